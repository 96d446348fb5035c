using System.Diagnostics.CodeAnalysis;

// "Shared" is a Visual Basic keyword (CA1716); the namespace mirrors the chapter folder.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace",
    Target = "~N:Parity.Examples.Tests.Shared", Justification = "Chapter folder name; no Visual Basic consumers.")]
