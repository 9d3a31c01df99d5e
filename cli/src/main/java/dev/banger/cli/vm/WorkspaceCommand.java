package dev.banger.cli.vm;

import dev.banger.cli.output.ProgressPrinter;
import dev.banger.cli.output.UserError;
import dev.banger.proto.api.v1.WorkspacePlan;
import dev.banger.proto.api.v1.WorkspacePrepareRequest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `banger vm workspace prepare | export`: your repository into a VM, and its changes back as a patch. */
@Command(name = "workspace", description = "Put a git repository into a VM, and take the VM's changes back out.",
        mixinStandardHelpOptions = true)
public class WorkspaceCommand {

    @Command(name = "prepare", mixinStandardHelpOptions = true, description = {
        "Put the git repository enclosing PATH (default: the current directory) into a running VM:",
        "a depth-10 clone at your commit with your working tree as it is (edits, deletions, modes,",
        "symlinks); untracked files only with --include-untracked, ignored files never."})
    int prepare(@Parameters(index = "0", paramLabel = "VM") String ref,
            @Parameters(index = "1", arity = "0..1", paramLabel = "PATH") String path, @Mixin WorkspaceOptions ws,
            @Option(names = "--dry-run", description = "list every file that would be sent; needs no VM") boolean dryRun,
            @Option(names = {"-v", "--verbose"}, description = "progress lines off a terminal too") boolean verbose) {
        WorkspacePrepareRequest.Builder r = ws.request(WorkspaceOptions.hostPath(path)).setDryRun(dryRun);
        if (!dryRun) {
            r.setRef(ref);
        }
        ProgressPrinter progress = ProgressPrinter.forTerminal(verbose);
        StringBuilder listing = new StringBuilder();
        WorkspacePlan plan = Workspace.prepare(r.build(), progress, p -> listing.append(p).append('\n'));
        if (dryRun) {
            System.out.print(listing);
            System.err.println("dry run: " + Workspace.describe(plan));
        } else {
            System.out.println("prepared " + plan.getGuestPath() + " in " + ref + " (" + Workspace.describe(plan) + ")");
        }
        return 0;
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Everything the VM's checkout changed (commits, staged and unstaged edits, new files, deletions)",
        "as one binary-safe patch against the prepared commit: apply it with `git apply`."})
    int export(@Parameters(index = "0", paramLabel = "VM") String ref,
            @Option(names = "--base-commit", paramLabel = "SHA", description = "diff against this commit instead")
            String base,
            @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the patch here (default:"
                    + " stdout)") Path file) throws IOException {
        if (file == null) {
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            Workspace.export(ref, base, out);
            out.flush();
            return 0;
        }
        // Written beside FILE and renamed: a failed export never leaves half a patch.
        Path target = file.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            String commit;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                commit = Workspace.export(ref, base, out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.err.println("wrote " + Files.size(target) + " bytes to " + target + " (changes since " + commit
                    + "): git apply " + target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return 0;
    }

}
