using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.CodeFixes.Conventions
{
    /// <summary>
    /// How a file writes what a fix writes, read once per document before the fix: line breaks and indentation from its
    /// own lines (what git's line-ending conversion leaves in the working tree is what the neighbouring lines have), code
    /// style from .editorconfig where it says so and else from the file's own majority, and the project's majority where
    /// the file has no example (<see cref="ProjectConventions"/>).
    /// </summary>
    internal sealed class FileConventions
    {
        private FileConventions()
        {
        }

        /// <summary>The file's most common line break; .editorconfig's end_of_line for a file of one line.</summary>
        public string NewLine { get; private set; } = "\n";

        public bool UseTabs { get; private set; }

        public int IndentSize { get; private set; } = 4;

        public int TabSize { get; private set; } = 4;

        /// <summary>How the file writes an empty block on one line, <c>{}</c> or <c>{ }</c>; null when it has none to show.</summary>
        public string? EmptyBlock { get; private set; }

        /// <summary>Whether members are written <c>this.x</c>; null when the file does not say.</summary>
        public bool? QualifyMembers { get; private set; }

        /// <summary><c>var</c> where the type is apparent (<c>new T()</c>, a cast); elsewhere.</summary>
        public bool VarWhenApparent { get; private set; } = true;

        public bool VarElsewhere { get; private set; } = true;

        /// <summary>Most awaits of the file are <c>ConfigureAwait(false)</c>.</summary>
        public bool ConfigureAwaitFalse { get; private set; }

        public static async Task<FileConventions> ReadAsync(Document document, CancellationToken cancellationToken)
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var options = root == null ? null : document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider.GetOptions(root.SyntaxTree);
            var conventions = new FileConventions();

            // What Roslyn would write without us (.editorconfig's end_of_line, indent_style, indent_size, tab_width, else
            // its defaults) stands where the file has no line to learn from.
            var defaults = await document.GetOptionsAsync(cancellationToken).ConfigureAwait(false);
            conventions.NewLine = defaults.GetOption(FormattingOptions.NewLine, LanguageNames.CSharp) ?? "\n";
            conventions.UseTabs = defaults.GetOption(FormattingOptions.UseTabs, LanguageNames.CSharp);
            conventions.IndentSize = Math.Max(1, defaults.GetOption(FormattingOptions.IndentationSize, LanguageNames.CSharp));
            conventions.TabSize = Math.Max(1, defaults.GetOption(FormattingOptions.TabSize, LanguageNames.CSharp));
            conventions.ReadWhitespace(text);
            if (root != null && model != null)
            {
                conventions.EmptyBlock = ProjectConventions.EmptyBlockOf(root) ?? ProjectConventions.For(model.Compilation).EmptyBlock;
                conventions.QualifyMembers = Option(options, "dotnet_style_qualification_for_field") ?? QualificationOf(root, model, cancellationToken);
                conventions.ReadVar(root, options);
                var awaits = root.DescendantNodes().OfType<AwaitExpressionSyntax>().Where(a => a.Expression is InvocationExpressionSyntax).ToList();
                conventions.ConfigureAwaitFalse = awaits.Count > 0 && awaits.Count(IsConfiguredFalse) * 2 >= awaits.Count;
            }

            return conventions;
        }

        /// <summary><c>await x.ConfigureAwait(false)</c>.</summary>
        public static bool IsConfiguredFalse(AwaitExpressionSyntax await) =>
            await.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } } invocation
            && invocation.ArgumentList.Arguments.Count == 1
            && invocation.ArgumentList.Arguments[0].Expression.IsKind(SyntaxKind.FalseLiteralExpression);

        private void ReadWhitespace(SourceText text)
        {
            int crlf = 0, lf = 0, cr = 0, tabs = 0, spaces = 0;
            var steps = new int[9];
            var previous = -1;
            foreach (var line in text.Lines)
            {
                var lineBreak = line.EndIncludingLineBreak - line.End;
                if (lineBreak == 2)
                {
                    crlf++;
                }
                else if (lineBreak == 1)
                {
                    if (text[line.End] == '\r')
                    {
                        cr++;
                    }
                    else
                    {
                        lf++;
                    }
                }

                var content = text.ToString(line.Span);
                if (content.Trim().Length == 0)
                {
                    continue;
                }

                if (content[0] == '\t')
                {
                    tabs++;
                }
                else if (content[0] == ' ')
                {
                    spaces++;
                }

                // Indentation steps between consecutive lines indented with spaces: the most common one is the file's unit.
                var indent = content.Length - content.TrimStart(' ').Length;
                if (content[0] != '\t' && previous >= 0 && indent - previous is > 1 and <= 8)
                {
                    steps[indent - previous]++;
                }

                previous = content[0] == '\t' ? -1 : indent;
            }

            if (crlf + lf + cr > 0)
            {
                NewLine = crlf >= lf && crlf >= cr ? "\r\n" : lf >= cr ? "\n" : "\r";
            }

            if (tabs + spaces == 0)
            {
                return;
            }

            UseTabs = tabs > spaces;
            if (UseTabs)
            {
                // A tab is one level whatever its width.
                IndentSize = TabSize;
                return;
            }

            var step = Enumerable.Range(2, 7).OrderByDescending(i => steps[i]).ThenBy(i => i).First();
            if (steps[step] > 0)
            {
                IndentSize = step;
            }
        }

        /// <summary>An .editorconfig code-style value (<c>true</c>/<c>false</c>, with or without a severity).</summary>
        internal static bool? Option(AnalyzerConfigOptions? options, string name)
        {
            if (options == null || !options.TryGetValue(name, out var value))
            {
                return null;
            }

            var flag = value.Split(':')[0].Trim();
            return flag == "true" ? true : flag == "false" ? false : null;
        }

        /// <summary><c>this.x</c> against <c>x</c> for the file's instance fields and properties; a <c>this.x</c> that a
        /// parameter or local named x makes necessary says nothing.</summary>
        private static bool? QualificationOf(SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
        {
            var names = root.DescendantNodes().OfType<TypeDeclarationSyntax>()
                .SelectMany(t => t.Members)
                .Where(m => !m.Modifiers.Any(SyntaxKind.StaticKeyword) && !m.Modifiers.Any(SyntaxKind.ConstKeyword))
                .SelectMany(m => m switch
                {
                    FieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
                    PropertyDeclarationSyntax property => new[] { property.Identifier.ValueText },
                    _ => Enumerable.Empty<string>(),
                })
                .ToList();
            var memberNames = new HashSet<string>(names, StringComparer.Ordinal);
            int qualified = 0, unqualified = 0;
            foreach (var name in root.DescendantNodes().OfType<IdentifierNameSyntax>().Where(n => memberNames.Contains(n.Identifier.ValueText)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name)
                {
                    if (access.Expression.IsKind(SyntaxKind.ThisExpression) && IsInstanceMember(model.GetSymbolInfo(name, cancellationToken).Symbol)
                        && model.LookupSymbols(access.SpanStart, name: name.Identifier.ValueText).FirstOrDefault() is IFieldSymbol or IPropertySymbol)
                    {
                        qualified++;
                    }
                }
                else if (name.Parent is not (MemberBindingExpressionSyntax or NameColonSyntax or NameEqualsSyntax)
                    && !(name.Parent is AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } assignment && assignment.Left == name)
                    && IsInstanceMember(model.GetSymbolInfo(name, cancellationToken).Symbol))
                {
                    unqualified++;
                }
            }

            return qualified == unqualified ? null : qualified > unqualified;
        }

        private static bool IsInstanceMember(ISymbol? symbol) => symbol is IFieldSymbol or IPropertySymbol && !symbol.IsStatic;

        private void ReadVar(SyntaxNode root, AnalyzerConfigOptions? options)
        {
            int apparentVar = 0, apparentTyped = 0, otherVar = 0, otherTyped = 0;
            foreach (var declaration in root.DescendantNodes().OfType<VariableDeclarationSyntax>())
            {
                if (declaration.Variables.Count != 1 || declaration.Variables[0].Initializer?.Value is not { } value
                    || declaration.Parent is FieldDeclarationSyntax or EventFieldDeclarationSyntax
                    || declaration.Parent is LocalDeclarationStatementSyntax { IsConst: true }
                    || value.IsKind(SyntaxKind.NullLiteralExpression) || value is ImplicitObjectCreationExpressionSyntax
                    || value is LambdaExpressionSyntax or AnonymousMethodExpressionSyntax or InitializerExpressionSyntax)
                {
                    continue;
                }

                var isVar = declaration.Type is IdentifierNameSyntax { Identifier.ValueText: "var" };
                var apparent = value is ObjectCreationExpressionSyntax or CastExpressionSyntax or ArrayCreationExpressionSyntax
                    || value.IsKind(SyntaxKind.AsExpression);
                if (apparent)
                {
                    _ = isVar ? apparentVar++ : apparentTyped++;
                }
                else
                {
                    _ = isVar ? otherVar++ : otherTyped++;
                }
            }

            bool? Majority(int var, int typed) => var == typed ? null : var > typed;
            var overall = Majority(apparentVar + otherVar, apparentTyped + otherTyped) ?? true;
            VarWhenApparent = Option(options, "csharp_style_var_when_type_is_apparent") ?? Majority(apparentVar, apparentTyped) ?? overall;
            VarElsewhere = Option(options, "csharp_style_var_elsewhere") ?? Majority(otherVar, otherTyped) ?? overall;
        }
    }
}
