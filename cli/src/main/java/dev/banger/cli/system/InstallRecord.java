package dev.banger.cli.system;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * /etc/banger/install.json: what is installed where and for whom. install.sh writes the
 * first four fields; `system install` adds the owner's uid and that services run.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InstallRecord(String version, String owner, String prefix, String lib,
        @JsonProperty("installed_at") String installedAt, @JsonProperty("owner_uid") Integer ownerUid,
        Boolean services) {

    public static Optional<InstallRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ObjectMapper().readValue(file.toFile(), InstallRecord.class));
        } catch (IOException e) {
            throw new UserError(ErrorKind.FAILED_PRECONDITION, file + " is not banger's install record: "
                    + e.getMessage());
        }
    }

    public String json() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
