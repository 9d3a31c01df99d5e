package dev.banger.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest's listening sockets (NET-6), from /proc/net/{tcp,tcp6,udp,udp6}, each
 * matched to the process holding it through /proc/PID/fd. One line per socket:
 * {@code PROTO\tADDRESS\tPORT\tPID\tNAME\tCOMMAND} (PID 0 and empty names when no
 * process could be found); tabs and newlines in a command line become spaces.
 */
final class Listeners {
    private static final int TCP_LISTEN = 0x0A;
    private static final int UDP_UNCONNECTED = 0x07;
    private final Path proc;

    Listeners(Path proc) {
        this.proc = proc;
    }

    String describe() {
        Map<String, Integer> owners = socketOwners();
        StringBuilder out = new StringBuilder();
        for (String[] table : new String[][] {{"tcp", "tcp"}, {"tcp6", "tcp"}, {"udp", "udp"}, {"udp6", "udp"}}) {
            for (String[] row : rows(proc.resolve("net").resolve(table[0]))) {
                int state = Integer.parseInt(row[3], 16);
                boolean tcp = table[1].equals("tcp");
                if (tcp ? state != TCP_LISTEN : state != UDP_UNCONNECTED || !row[2].endsWith(":0000")) {
                    continue;
                }
                String[] local = row[1].split(":");
                int pid = owners.getOrDefault(row[9], 0);
                out.append(table[1]).append('\t').append(address(local[0])).append('\t')
                        .append(Integer.parseInt(local[1], 16)).append('\t').append(pid).append('\t')
                        .append(pid == 0 ? "" : clean(read(proc.resolve(pid + "/comm")))).append('\t')
                        .append(pid == 0 ? "" : clean(read(proc.resolve(pid + "/cmdline")).replace('\0', ' ')))
                        .append('\n');
            }
        }
        return out.toString();
    }

    /** /proc/net's hex address: IPv4 as one little-endian word, IPv6 as four. */
    static String address(String hex) {
        if (hex.length() == 8) {
            long v = Long.parseLong(hex, 16);
            return (v & 0xff) + "." + (v >> 8 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 24 & 0xff);
        }
        int[] groups = new int[8];
        for (int word = 0; word < 4; word++) {
            long v = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
            long bytes = Long.reverseBytes(v) >>> 32; // the word is little-endian: its bytes in network order
            groups[word * 2] = (int) (bytes >> 16 & 0xffff);
            groups[word * 2 + 1] = (int) (bytes & 0xffff);
        }
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) {
            return "::ffff:" + (groups[6] >> 8) + "." + (groups[6] & 0xff) + "." + (groups[7] >> 8) + "."
                    + (groups[7] & 0xff);
        }
        return compress(groups);
    }

    /** RFC 5952 text: the longest run of two or more zero groups becomes "::". */
    static String compress(int[] groups) {
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(groups[i]));
        }
        return b.toString();
    }

    private List<String[]> rows(Path table) {
        List<String[]> out = new ArrayList<>();
        String text = read(table);
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length >= 10) {
                out.add(f);
            }
        }
        return out;
    }

    /** Socket inode to the pid holding it (the lowest, when several share it). */
    private Map<String, Integer> socketOwners() {
        Map<String, Integer> owners = new HashMap<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path p : pids) {
                int pid = Integer.parseInt(p.getFileName().toString());
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(p.resolve("fd"))) {
                    for (Path fd : fds) {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            owners.merge(target.substring(8, target.length() - 1), pid, Math::min);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended, or is not ours to read: its sockets stay without an owner
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: no owners
        }
        return owners;
    }

    private static String read(Path p) {
        try {
            byte[] b = Files.readAllBytes(p);
            return new String(b, 0, Math.min(b.length, 4096), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String clean(String s) {
        return s.strip().replace('\t', ' ').replace('\n', ' ');
    }
}
