package dev.banger.cli;

import dev.banger.proto.common.v1.BuildInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print banger's version, commit and build time.", mixinStandardHelpOptions = true)
public class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        BuildInfo b = dev.banger.common.rpc.BuildInfo.current();
        System.out.println("banger " + b.getVersion());
        System.out.println("commit: " + b.getCommit());
        System.out.println("built:  " + b.getBuilt());
        return 0;
    }
}
