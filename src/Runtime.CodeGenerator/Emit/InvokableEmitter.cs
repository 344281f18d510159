using System.Globalization;
using System.Linq;
using Im.Orleans.CodeGenerator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Im.Orleans.CodeGenerator.Emit
{
    /// <summary>Writes the Invokable subclass of one grain method: argument fields, metadata and the call on the target.</summary>
    internal static class InvokableEmitter
    {
        public static void Emit(CodeWriter writer, MethodModel method, string accessibility)
        {
            var parameters = method.Parameters;
            var baseType = method.ResultType is null
                ? Syntax.CodeGeneration + ".VoidRequest"
                : Syntax.CodeGeneration + ".Request<" + method.ResultType + ">";

            writer.Line(Syntax.GeneratedCodeAttribute);
            writer.Open(accessibility + " sealed class " + method.InvokableName + " : " + baseType);
            for (var i = 0; i < parameters.Count; i++)
            {
                // default! keeps non-nullable reference fields free of CS8618; proxies always assign them.
                writer.Line("public " + parameters[i].Type + " arg" + i + " = default!;");
            }

            writer.Line("public override global::System.Type InterfaceType => typeof(" + method.DeclaringInterface + ");");
            writer.Line("public override int MethodId => " + method.MethodId.ToString(CultureInfo.InvariantCulture) + ";");
            writer.Line("public override string MethodName => " + SymbolDisplay.FormatLiteral(method.Name, quote: true) + ";");
            writer.Line("public override int ArgumentCount => " + parameters.Count.ToString(CultureInfo.InvariantCulture) + ";");
            writer.Line("public override " + Syntax.CodeGeneration + ".InvokeMethodOptions Options => " + Syntax.Options(method.Options) + ";");
            if (method.ResponseTimeoutTicks is { } ticks)
            {
                writer.Line("public override global::System.TimeSpan? ResponseTimeout => global::System.TimeSpan.FromTicks(" + ticks.ToString(CultureInfo.InvariantCulture) + "L);");
            }

            EmitArgumentAccessors(writer, method);
            EmitInvoke(writer, method);
            writer.Close();
        }

        private static void EmitArgumentAccessors(CodeWriter writer, MethodModel method)
        {
            var parameters = method.Parameters;
            if (parameters.Count == 0)
            {
                writer.Line("public override object? GetArgument(int index) => " + Syntax.OutOfRange + ";");
                writer.Line("public override void SetArgument(int index, object? value) => " + Syntax.OutOfRange + ";");
                writer.Line("public override global::System.Type GetArgumentType(int index) => " + Syntax.OutOfRange + ";");
                return;
            }

            var getArms = string.Concat(parameters.Select(static (_, i) => i + " => arg" + i + ", "));
            writer.Line("public override object? GetArgument(int index) => index switch { " + getArms + "_ => " + Syntax.OutOfRange + " };");

            writer.Open("public override void SetArgument(int index, object? value)");
            writer.Open("switch (index)");
            for (var i = 0; i < parameters.Count; i++)
            {
                writer.Line("case " + i + ": arg" + i + " = (" + parameters[i].Type + ")value!; break;");
            }

            writer.Line("default: " + Syntax.OutOfRange + ";");
            writer.Close();
            writer.Close();

            var typeArms = string.Concat(parameters.Select(static (p, i) => i + " => typeof(" + p.TypeOfType + "), "));
            writer.Line("public override global::System.Type GetArgumentType(int index) => index switch { " + typeArms + "_ => " + Syntax.OutOfRange + " };");
        }

        private static void EmitInvoke(CodeWriter writer, MethodModel method)
        {
            var arguments = string.Join(", ", method.Parameters.Select(static (_, i) => "arg" + i));
            var call = "((" + method.DeclaringInterface + ")target)." + method.EscapedName + "(" + arguments + ")";
            var task = Syntax.Tasks + ".Task";
            switch (method.ReturnKind)
            {
                case ReturnKind.TaskOfT:
                    writer.Line("protected override " + task + "<" + method.ResultType + "> InvokeTyped(object target) => " + call + ";");
                    break;
                case ReturnKind.ValueTaskOfT:
                    writer.Line("protected override " + task + "<" + method.ResultType + "> InvokeTyped(object target) => " + call + ".AsTask();");
                    break;
                case ReturnKind.Task:
                    writer.Line("public override " + task + " InvokeAsync(object target) => " + call + ";");
                    break;
                case ReturnKind.ValueTask:
                    writer.Line("public override " + task + " InvokeAsync(object target) => " + call + ".AsTask();");
                    break;
                default:
                    writer.Open("public override " + task + " InvokeAsync(object target)");
                    writer.Line(call + ";");
                    writer.Line("return " + task + ".CompletedTask;");
                    writer.Close();
                    break;
            }
        }
    }
}
