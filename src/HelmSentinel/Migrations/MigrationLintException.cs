namespace HelmSentinel.Migrations;

/// <summary>The migrations cannot be linted as asked: a base Git does not know, a folder that is not a Git work tree, no
/// git. The message says what to do; the deploy refuses with it as bad input (exit 3), before any change.</summary>
public sealed class MigrationLintException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationLintException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public MigrationLintException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public MigrationLintException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
