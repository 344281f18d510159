using System.Linq;
using Im.Orleans.CodeGenerator.Model;

namespace Im.Orleans.CodeGenerator.Emit
{
    /// <summary>Writes the file of one grain interface: its proxy class and the invokables of its own methods.</summary>
    internal static class ProxyEmitter
    {
        public static string HintName(InterfaceModel model) => model.ProxyName + ".g.cs";

        public static string Emit(InterfaceModel model)
        {
            var writer = new CodeWriter();
            Syntax.FileHeader(writer);
            writer.Open("namespace " + model.GeneratedNamespace);

            writer.Line(Syntax.GeneratedCodeAttribute);
            writer.Open("internal sealed class " + model.ProxyName + " : " + Syntax.CodeGeneration + ".GrainReference, " + model.FullName);
            writer.Line("public " + model.ProxyName + "(global::Im.Orleans.Runtime.GrainId grainId, " + Syntax.CodeGeneration + ".IGrainReferenceRuntime runtime) : base(grainId, runtime) { }");
            writer.Line();
            writer.Line("public override global::System.Type InterfaceType => typeof(" + model.FullName + ");");
            foreach (var method in model.Methods)
            {
                writer.Line();
                EmitMethod(writer, method);
            }

            // Interfaces from other assemblies have no invokables this assembly can use, so the proxy carries private copies.
            foreach (var method in model.Methods.Where(static m => m.IsExternal))
            {
                writer.Line();
                InvokableEmitter.Emit(writer, method, "private");
            }

            writer.Close();

            for (var i = 0; i < model.OwnMethodCount; i++)
            {
                writer.Line();
                InvokableEmitter.Emit(writer, model.Methods[i], "internal");
            }

            writer.Close();
            return writer.ToString();
        }

        /// <summary>An explicit implementation, so methods of different interfaces with the same signature never clash.</summary>
        private static void EmitMethod(CodeWriter writer, MethodModel method)
        {
            var parameters = string.Join(", ", method.Parameters.Select(static p => (p.IsParams ? "params " : string.Empty) + p.Type + " " + p.Name));
            writer.Open(Syntax.ReturnType(method) + " " + method.DeclaringInterface + "." + method.EscapedName + "(" + parameters + ")");

            var request = "request";
            while (method.Parameters.Any(p => p.Name == request)) request = "_" + request;
            writer.Line("var " + request + " = new " + method.InvokableName + "();");
            for (var i = 0; i < method.Parameters.Count; i++)
            {
                writer.Line(request + ".arg" + i + " = " + method.Parameters[i].Name + ";");
            }

            if (method.IsOneWay)
            {
                writer.Line("base.InvokeOneWay(" + request + ");");
                if (method.ReturnKind == ReturnKind.Task) writer.Line("return " + Syntax.Tasks + ".Task.CompletedTask;");
                else if (method.ReturnKind == ReturnKind.ValueTask) writer.Line("return default;");
            }
            else
            {
                switch (method.ReturnKind)
                {
                    case ReturnKind.TaskOfT:
                        writer.Line("return base.InvokeAsync<" + method.ResultType + ">(" + request + ");");
                        break;
                    case ReturnKind.ValueTaskOfT:
                        writer.Line("return new " + Syntax.ReturnType(method) + "(base.InvokeAsync<" + method.ResultType + ">(" + request + "));");
                        break;
                    case ReturnKind.ValueTask:
                        writer.Line("return new " + Syntax.Tasks + ".ValueTask(base.InvokeAsync(" + request + "));");
                        break;
                    default:
                        writer.Line("return base.InvokeAsync(" + request + ");");
                        break;
                }
            }

            writer.Close();
        }
    }
}
