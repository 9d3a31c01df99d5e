package dev.banger.cli;

import dev.banger.cli.daemon.DaemonCommand;
import dev.banger.cli.doctor.DoctorCommand;
import dev.banger.cli.vm.VmCommand;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.AutoComplete;
import java.util.List;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "banger", mixinStandardHelpOptions = true,
        versionProvider = BangerCommand.Version.class,
        description = "Disposable micro-VMs with your repository inside.")
public class BangerCommand {
    /**
     * The top-level commands, in help order. Not in the annotation: CommandLineSetup
     * models only the branch a command line names (picocli would model all of them on
     * every start).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(VmCommand.class, dev.banger.cli.image.ImageCommand.class,
            dev.banger.cli.image.KernelCommand.class, DaemonCommand.class, DoctorCommand.class,
            dev.banger.cli.sshconfig.SshConfigCommand.class, dev.banger.cli.ops.OpsCommand.class,
            dev.banger.cli.update.UpdateCommand.class, dev.banger.cli.system.SystemCommand.class, VersionCommand.class,
            AutoComplete.GenerateCompletion.class);

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String build = dev.banger.common.rpc.BuildInfo.describe(dev.banger.common.rpc.BuildInfo.current());
            return new String[] {VersionCommand.release().map(r -> "banger " + r + " (" + build + ")")
                    .orElse("banger " + build)};
        }
    }
}
