package dev.banger.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.banger.common.rpc.UdsChannels;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The image service's own store, migrated at startup, and its socket. */
@QuarkusTest
class ImageStoreSchemaTest {
    @Inject
    AgroalDataSource db;
    @ConfigProperty(name = "banger.socket")
    Path socket;

    @AfterEach
    void clean() throws SQLException {
        exec("DELETE FROM images");
        exec("DELETE FROM kernels");
    }

    @Test
    void answersHealthAsTheImageService() {
        assertEquals("image", UdsChannels.check(socket, 5000).getName());
    }

    @Test
    void aKernelInUseByAnImageCannotBeDeleted() throws SQLException {
        exec("INSERT INTO kernels (id, name, bzimage_path, source, created_at)"
                + " VALUES ('k1', 'bookworm', '/k/bzImage', 'build', '2026-11-23T00:00:00Z')");
        exec("INSERT INTO images (id, name, distro, arch, kernel_id, rootfs_path, rootfs_size_bytes, rootfs_sha256,"
                + " source, created_at) VALUES ('i1', 'default', 'debian', 'amd64', 'k1', '/i/rootfs.ext4', 1024,"
                + " 'ab', 'build', '2026-11-23T00:00:00Z')");
        assertThrows(SQLException.class, () -> exec("DELETE FROM kernels WHERE id = 'k1'"));
        exec("DELETE FROM images WHERE id = 'i1'");
        exec("DELETE FROM kernels WHERE id = 'k1'");
        assertEquals(0, count("kernels"));
    }

    @Test
    void aKernelNeedsAtLeastOneBootableFile() {
        assertThrows(SQLException.class, () -> exec("INSERT INTO kernels (id, name, source, created_at)"
                + " VALUES ('k2', 'empty', 'import', '2026-11-23T00:00:00Z')"));
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private int count(String table) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
