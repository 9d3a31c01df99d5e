package dev.banger.cli.sshconfig;

import dev.banger.cli.config.BangerPaths;
import dev.banger.cli.daemon.Distribution;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ssh-config", mixinStandardHelpOptions = true,
        description = "Add (or remove) a `Host *.vm` block to ~/.ssh/config, so plain `ssh root@NAME.vm` reaches a VM.")
public class SshConfigCommand implements Callable<Integer> {
    static final class Action {
        @Option(names = "--install", required = true, description = "add banger's block (again: brought up to date)")
        boolean install;
        @Option(names = "--uninstall", required = true, description = "remove it, leaving the file as it was before")
        boolean uninstall;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    @Override
    public Integer call() throws Exception {
        java.util.Map<String, String> env = System.getenv();
        Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        SshConfigFile file = new SshConfigFile(home.resolve(".ssh/config"));
        if (action.uninstall) {
            SshConfigFile.Change c = file.uninstall();
            System.out.println(c == SshConfigFile.Change.REMOVED ? "removed banger's Host *.vm block from " + file.path()
                    : "no banger block in " + file.path() + "; nothing to do");
            return 0;
        }
        BangerPaths paths = BangerPaths.from(env);
        String bh = env.get("BANGER_HOME");
        SshConfigBlock block = new SshConfigBlock(paths.stateDir().resolve("ssh/id_ed25519"),
                paths.stateDir().resolve("ssh/known_hosts"), Distribution.locate().launcher(),
                bh == null || bh.isBlank() ? Optional.empty() : Optional.of(Path.of(bh).toAbsolutePath()));
        SshConfigFile.Change c = file.install(block);
        System.out.println(switch (c) {
            case ADDED -> "added banger's Host *.vm block to " + file.path() + "; try: ssh root@NAME.vm";
            case UPDATED -> "updated banger's Host *.vm block in " + file.path();
            default -> "banger's Host *.vm block in " + file.path() + " is up to date";
        });
        return 0;
    }
}
