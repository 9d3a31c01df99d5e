package dev.banger.cli.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * buf curl: a gRPC client that has none of banger's .proto files and learns the API
 * from server reflection (API-1), installed by scripts/install-packages into .tools/.
 */
final class GenericClients {
    private static final Pattern ERROR_INFO = Pattern.compile(
            "\"type\": \"google\\.rpc\\.ErrorInfo\",\\s*\"value\": \"([A-Za-z0-9+/=_-]*)\"");

    private final CliRunner cli;
    private final Path buf;

    GenericClients(CliRunner cli) {
        this.cli = cli;
        this.buf = cli.dist.resolve(".tools/node_modules/.bin/buf");
        assertTrue(Files.isExecutable(buf), "no buf at " + buf + ": run scripts/install-packages");
    }

    /**
     * The ErrorInfo of buf curl's error JSON. buf names the detail's type and gives its
     * bytes in base64 (it decodes only types compiled into itself); any protobuf
     * library reads them back.
     */
    static ErrorInfo errorInfo(String errorJson) throws InvalidProtocolBufferException {
        Matcher m = ERROR_INFO.matcher(errorJson);
        assertTrue(m.find(), "no google.rpc.ErrorInfo detail in " + errorJson);
        return ErrorInfo.parseFrom(Base64.getDecoder().decode(m.group(1)));
    }

    /** buf curl against the socket with the given extra arguments. */
    CliRunner.Result curl(Path socket, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(buf.toString(), "curl", "--unix-socket", socket.toString(),
                "--protocol", "grpc", "--http2-prior-knowledge"));
        argv.addAll(List.of(args));
        return cli.exec(argv);
    }
}
