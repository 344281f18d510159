using System.Linq;
using Im.Orleans.CodeGenerator.Model;

namespace Im.Orleans.CodeGenerator.Emit
{
    /// <summary>Writes the assembly's GeneratedCodeRegistration class and the assembly attribute that names it.</summary>
    internal static class RegistrationEmitter
    {
        public const string HintName = "Im.Orleans.GeneratedCodeRegistration.g.cs";
        public const string ClassName = "GeneratedCodeRegistration";

        public static bool HasContent(RegistrationModel model) => model.Interfaces.Count > 0 || model.GrainClasses.Count > 0;

        public static string Emit(RegistrationModel model)
        {
            var writer = new CodeWriter();
            Syntax.FileHeader(writer);
            writer.Line("[assembly: " + Syntax.CodeGeneration + ".GeneratedCode(typeof(global::" + model.GeneratedNamespace + "." + ClassName + "))]");
            writer.Line();
            writer.Open("namespace " + model.GeneratedNamespace);

            // Public only when every registered type is: a public type naming internal ones would advertise them for nothing.
            var isPublic = model.Interfaces.All(static i => i.IsPublic) && model.GrainClasses.All(static c => c.IsPublic);
            writer.Line("/// <summary>Registers the grain proxies, invokables and grain classes generated for this assembly.</summary>");
            writer.Line(Syntax.GeneratedCodeAttribute);
            writer.Open((isPublic ? "public" : "internal") + " sealed class " + ClassName + " : " + Syntax.CodeGeneration + ".IGeneratedCodeRegistration");
            writer.Line("/// <inheritdoc/>");
            writer.Open("public void Register(" + Syntax.CodeGeneration + ".GeneratedCodeRegistry registry)");
            foreach (var registered in model.Interfaces)
            {
                EmitInterface(writer, registered);
            }

            foreach (var grainClass in model.GrainClasses)
            {
                writer.Line("registry.AddGrainClass(" + grainClass.TypeExpression + ");");
            }

            writer.Close();
            writer.Close();
            writer.Close();
            return writer.ToString();
        }

        private static void EmitInterface(CodeWriter writer, RegisteredInterface registered)
        {
            const string FactoryType = "global::System.Func<" + Syntax.CodeGeneration + ".Invokable>";
            writer.Line("registry.AddInterface(");
            writer.Line("    typeof(" + registered.FullName + "),");
            writer.Line("    static (grainId, runtime) => new " + registered.ProxyName + "(grainId, runtime),");
            if (registered.InvokableNames.Count == 0)
            {
                writer.Line("    global::System.Array.Empty<" + FactoryType + ">());");
                return;
            }

            // Index i creates the invokable whose MethodId is i.
            writer.Line("    new " + FactoryType + "[]");
            writer.Line("    {");
            foreach (var invokable in registered.InvokableNames)
            {
                writer.Line("        static () => new " + invokable + "(),");
            }

            writer.Line("    });");
        }
    }
}
