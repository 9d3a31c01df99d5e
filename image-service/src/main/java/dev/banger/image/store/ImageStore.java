package dev.banger.image.store;

import dev.banger.common.errors.AlreadyExistsException;
import dev.banger.common.errors.Reason;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Images and kernels in the image service's own SQLite store. */
@ApplicationScoped
public class ImageStore {
    private static final String IMAGES = "SELECT i.*, k.name AS kernel_name FROM images i"
            + " LEFT JOIN kernels k ON k.id = i.kernel_id";

    private final AgroalDataSource db;

    public ImageStore(AgroalDataSource db) {
        this.db = db;
    }

    public List<ImageRecord> images() {
        return query(IMAGES + " ORDER BY i.name", ImageStore::image);
    }

    public Optional<ImageRecord> image(String nameOrId) {
        return query(IMAGES + " WHERE i.name = ? OR i.id = ?", ImageStore::image, nameOrId, nameOrId).stream()
                .findFirst();
    }

    public List<KernelRecord> kernels() {
        return query("SELECT * FROM kernels ORDER BY name", ImageStore::kernel);
    }

    public Optional<KernelRecord> kernel(String nameOrId) {
        return query("SELECT * FROM kernels WHERE name = ? OR id = ?", ImageStore::kernel, nameOrId, nameOrId)
                .stream().findFirst();
    }

    public List<String> imagesUsingKernel(String kernelId) {
        return query("SELECT name FROM images WHERE kernel_id = ? ORDER BY name", rs -> rs.getString(1), kernelId);
    }

    public void insert(ImageRecord i) {
        update("INSERT INTO images (id, name, distro, arch, kernel_id, rootfs_path, work_seed_path, rootfs_size_bytes,"
                + " rootfs_sha256, recipe_hash, source, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                i.id(), i.name(), i.distro(), i.arch(), i.kernelId(), i.rootfsPath(), i.workSeedPath(),
                i.rootfsSizeBytes(), i.rootfsSha256(), i.recipeHash(), i.source(), i.created().toString());
    }

    public void insert(KernelRecord k) {
        update("INSERT INTO kernels (id, name, vmlinux_path, bzimage_path, initrd_path, modules_path, source,"
                + " created_at) VALUES (?,?,?,?,?,?,?,?)", k.id(), k.name(), k.vmlinuxPath(), k.bzImagePath(),
                k.initrdPath(), k.modulesPath(), k.source(), k.created().toString());
    }

    public boolean deleteImage(String id) {
        return update("DELETE FROM images WHERE id = ?", id) == 1;
    }

    public boolean deleteKernel(String id) {
        return update("DELETE FROM kernels WHERE id = ?", id) == 1;
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.read(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("image store: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            if (e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE) {
                // The only UNIQUE columns are the names.
                throw new AlreadyExistsException(Reason.NAME_TAKEN, "already exists: " + e.getMessage());
            }
            throw new IllegalStateException("image store: " + e.getMessage(), e);
        }
    }

    private static ImageRecord image(ResultSet rs) throws SQLException {
        return new ImageRecord(rs.getString("id"), rs.getString("name"), rs.getString("distro"), rs.getString("arch"),
                rs.getString("kernel_id"), rs.getString("kernel_name"), rs.getString("rootfs_path"),
                rs.getString("work_seed_path"), rs.getLong("rootfs_size_bytes"), rs.getString("rootfs_sha256"),
                rs.getString("recipe_hash"), rs.getString("source"), Instant.parse(rs.getString("created_at")));
    }

    private static KernelRecord kernel(ResultSet rs) throws SQLException {
        return new KernelRecord(rs.getString("id"), rs.getString("name"), rs.getString("vmlinux_path"),
                rs.getString("bzimage_path"), rs.getString("initrd_path"), rs.getString("modules_path"),
                rs.getString("source"), Instant.parse(rs.getString("created_at")));
    }
}
