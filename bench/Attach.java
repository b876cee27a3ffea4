import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a native agent into a running JVM: java Attach PID AGENT_PATH OPTIONS. bench/lib.sh uses it to
 * start and stop async-profiler on the hub for the measured window only (`jcmd JVMTI.agent_load` splits
 * the comma-separated options async-profiler needs).
 */
public class Attach {
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
