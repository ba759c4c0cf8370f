// The HelmSentinel Azure Pipelines task. The agent runs this file with Node (handlers Node20_1 and Node24,
// since its Process handler exists only on Windows); all it does is start the framework-dependent .NET program
// beside it with the same environment (INPUT_*, ENDPOINT_*, predefined variables) and forward its exit code.
// Built-ins only: azure-pipelines-task-lib would remove INPUT_* and ENDPOINT_AUTH_* from the environment.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const dll = path.join(__dirname, 'bin', 'HelmSentinel.AzureTask.dll');
const run = spawnSync('dotnet', [dll], { stdio: 'inherit', env: process.env });
if (run.error) {
  const why = run.error.code === 'ENOENT'
    ? 'HelmSentinel needs the .NET 10 runtime and dotnet is not on PATH: add a UseDotNet@2 step (packageType: runtime, version: 10.x) before this task.'
    : 'HelmSentinel could not start dotnet: ' + run.error.message.replace(/[\r\n;\]]/g, ' ');
  console.log('##vso[task.logissue type=error]' + why);
  console.log('##vso[task.complete result=Failed;]' + why);
  process.exit(1);
}
process.exit(run.status === null ? 1 : run.status);
