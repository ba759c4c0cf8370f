// The HelmSentinel Azure Pipelines task. The agent runs this file with Node (handlers Node20_1 and Node24,
// since its Process handler exists only on Windows); all it does is start the framework-dependent .NET program
// beside it with the same environment (INPUT_*, ENDPOINT_*, predefined variables), pass on a cancellation
// (SIGINT/SIGTERM: helm must be interrupted, not orphaned) and forward the exit code.
// Built-ins only: azure-pipelines-task-lib would remove INPUT_* and ENDPOINT_AUTH_* from the environment.
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const dll = path.join(__dirname, 'bin', 'HelmSentinel.AzureTask.dll');
const child = spawn('dotnet', [dll], { stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  const why = error.code === 'ENOENT'
    ? 'HelmSentinel needs the .NET 10 runtime and dotnet is not on PATH: add a UseDotNet@2 step (packageType: runtime, version: 10.x) before this task.'
    : 'HelmSentinel could not start dotnet: ' + error.message.replace(/[\r\n;\]]/g, ' ');
  console.log('##vso[task.logissue type=error]' + why);
  console.log('##vso[task.complete result=Failed;]' + why);
  process.exit(1);
});
child.on('exit', (code) => process.exit(code === null ? 1 : code));
