using System.Diagnostics.CodeAnalysis;

// "Shared" is a Visual Basic keyword, so CA1716 flags the namespace; the folder and namespace
// name is fixed by the project's layout (one folder per chapter) and no VB code consumes it.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace",
    Target = "~N:Parity.Examples.Shared", Justification = "Chapter folder name; no Visual Basic consumers.")]
