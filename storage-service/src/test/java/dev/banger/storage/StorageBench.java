package dev.banger.storage;

import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.storage.disk.CowBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Run by scripts/bench-host: the time to make one VM's root and work disks, against
 * copying the same image with cp in the same run. Image: 2 GiB ext4, ~450 MiB used.
 */
public final class StorageBench {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path tmp = Files.createTempDirectory(Path.of(args.length > 1 ? args[1] : "/var/tmp"), "banger-bench-");
        ProcessRunner run = new ProcessRunner();
        try {
            StoragePaths paths = new StoragePaths(tmp.resolve("state"));
            Path stage = Files.createDirectories(tmp.resolve("stage"));
            byte[] chunk = new byte[1 << 20];
            Random random = new Random(1);
            try (var out = Files.newOutputStream(stage.resolve("payload"))) {
                for (int i = 0; i < 450; i++) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            Files.createDirectories(paths.imageDir("bench"));
            run.check("mkfs.ext4", "-q", "-F", "-d", stage.toString(), paths.imageRootfs("bench").toString(), "2G");
            run.check("mkfs.ext4", "-q", "-F", paths.imageWorkSeed("bench").toString(), "64M");
            CowBackend backend = CowBackend.detect(run, run, Files.createDirectories(paths.vmsDir()));
            int self = ServiceHost.currentUid();
            StorageService storage = new StorageService(paths, run, backend,
                    new dev.banger.storage.owner.OwnerCredentials(self, self), tmp);

            List<Long> vm = new ArrayList<>();
            List<Long> fullCopy = new ArrayList<>();
            List<Long> sparseCopy = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                String id = "benchvm" + i;
                long t0 = System.nanoTime();
                storage.createRootDisk(id, "bench", 8L << 30);
                storage.createWorkDisk(id, "bench", 8L << 30);
                vm.add(System.nanoTime() - t0);
                storage.releaseVmDisks(id);
                fullCopy.add(time(run, "cp", "--sparse=never", paths.imageRootfs("bench").toString(),
                        tmp.resolve("full").toString()));
                sparseCopy.add(time(run, "cp", "--sparse=always", paths.imageRootfs("bench").toString(),
                        tmp.resolve("sparse").toString()));
                Files.delete(tmp.resolve("full"));
                Files.delete(tmp.resolve("sparse"));
            }
            long ours = median(vm);
            System.out.printf("%-58s %6d ms%n", "baseline: cp --sparse=never of the image (full copy)", median(fullCopy));
            System.out.printf("%-58s %6d ms%n", "baseline: cp --sparse=always of the image", median(sparseCopy));
            System.out.printf("%-58s %6d ms   (%.2fx full copy; goal <= 500 ms)%n",
                    "root disk + 8 GiB work disk for one VM (" + backend.label() + ")", ours,
                    ours / (double) median(fullCopy));
        } finally {
            dev.banger.common.fs.FileTrees.deleteTree(tmp);
        }
    }

    private static long time(ProcessRunner run, String... argv) {
        long t0 = System.nanoTime();
        run.check(argv);
        return System.nanoTime() - t0;
    }

    static long median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1_000_000;
    }
}
