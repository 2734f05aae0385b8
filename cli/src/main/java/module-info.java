/** The {@code kola} command: boot an image, run a script, benchmark, trace. */
module kola.cli {
    requires kola.kernel;
    requires kola.system;
    requires kola.bench;
    requires info.picocli;
    requires org.yaml.snakeyaml;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires jdk.jfr;
    requires java.compiler;
    opens kola.cli to info.picocli;
}
