package dev.banger.orchestrator.store;

import dev.banger.common.errors.AlreadyExistsException;
import dev.banger.common.errors.NotFoundException;
import dev.banger.common.errors.Reason;
import dev.banger.orchestrator.vmm.GuestInit;
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
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The snapshots table, and which VMs still wait to be restored from one (SNAP-1). */
@ApplicationScoped
public class SnapshotStore {
    private final AgroalDataSource db;

    public SnapshotStore(AgroalDataSource db) {
        this.db = db;
    }

    /** The user's snapshots (the warm pool's bases are the daemon's). */
    public List<SnapshotRecord> list() {
        return select(false);
    }

    /** SNAP-3: the snapshots the warm pool restores its VMs from. */
    public List<SnapshotRecord> poolBases() {
        return select(true);
    }

    private List<SnapshotRecord> select(boolean poolBases) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM snapshots WHERE pool_base = " + (poolBases ? 1 : 0) + " ORDER BY created_at, name");
                ResultSet rs = ps.executeQuery()) {
            List<SnapshotRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(read(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list snapshots", e);
        }
    }

    /** A snapshot by name or id; a pool base by its id only (users never name one). */
    public SnapshotRecord resolve(String ref) {
        return java.util.stream.Stream.concat(list().stream().filter(s -> s.name().equals(ref) || s.id().equals(ref)),
                poolBases().stream().filter(s -> s.id().equals(ref))).findFirst()
                .orElseThrow(() -> new NotFoundException(Reason.SNAPSHOT_NOT_FOUND, "no snapshot named " + ref));
    }

    public void insert(SnapshotRecord s) {
        insert(s, false);
    }

    /** poolBase: the warm pool's own (SNAP-3), hidden from list(). */
    public void insert(SnapshotRecord s, boolean poolBase) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO snapshots (id,"
                + " name, source_vm_name, image_id, image_name, kernel_name, vcpu, memory_mib, disk_size_bytes,"
                + " system_overlay_size_bytes, vmm, init, dir, size_bytes, created_at, pool_base)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            int i = 0;
            ps.setString(++i, s.id());
            ps.setString(++i, s.name());
            ps.setString(++i, s.sourceVmName());
            ps.setString(++i, s.imageId());
            ps.setString(++i, s.imageName());
            ps.setString(++i, s.kernelName());
            ps.setInt(++i, s.vcpu());
            ps.setInt(++i, s.memoryMib());
            ps.setLong(++i, s.diskSizeBytes());
            ps.setLong(++i, s.systemOverlaySizeBytes());
            ps.setString(++i, s.vmm());
            ps.setString(++i, s.init().column());
            ps.setString(++i, s.dir());
            ps.setLong(++i, s.sizeBytes());
            ps.setString(++i, s.createdAt().toString());
            ps.setInt(++i, poolBase ? 1 : 0);
            ps.executeUpdate();
        } catch (SQLiteException e) {
            if (e.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE) {
                throw new AlreadyExistsException(Reason.NAME_TAKEN, "a snapshot named " + s.name() + " already exists");
            }
            throw new StoreException("cannot record snapshot " + s.name(), e);
        } catch (SQLException e) {
            throw new StoreException("cannot record snapshot " + s.name(), e);
        }
    }

    public void delete(String id) {
        execute("cannot delete snapshot " + id, "DELETE FROM snapshots WHERE id = ?", id);
    }

    /** The VMs created from this snapshot that have not been restored yet. */
    public List<String> pendingVmIds(String snapshotId) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT vm_id FROM pending_restores WHERE snapshot_id = ? ORDER BY vm_id")) {
            ps.setString(1, snapshotId);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list the VMs waiting for snapshot " + snapshotId, e);
        }
    }

    /** vm create --from-snapshot: the VM's first start restores it. */
    public void restoreOnFirstStart(String vmId, String snapshotId) {
        execute("cannot record the snapshot of VM " + vmId,
                "INSERT INTO pending_restores (vm_id, snapshot_id) VALUES (?, ?)", vmId, snapshotId);
    }

    /** The snapshot a VM's next start restores, if it has not been restored yet. */
    public Optional<SnapshotRecord> pendingRestore(String vmId) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT s.* FROM pending_restores p JOIN snapshots s ON s.id = p.snapshot_id WHERE p.vm_id = ?")) {
            ps.setString(1, vmId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the snapshot of VM " + vmId, e);
        }
    }

    /** The VM runs from its own disks now: later starts boot them. */
    public void restored(String vmId) {
        execute("cannot record the restore of VM " + vmId, "DELETE FROM pending_restores WHERE vm_id = ?", vmId);
    }

    private void execute(String what, String sql, String... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(what, e);
        }
    }

    private static SnapshotRecord read(ResultSet rs) throws SQLException {
        return new SnapshotRecord(rs.getString("id"), rs.getString("name"), rs.getString("source_vm_name"),
                rs.getString("image_id"), rs.getString("image_name"), rs.getString("kernel_name"), rs.getInt("vcpu"),
                rs.getInt("memory_mib"), rs.getLong("disk_size_bytes"), rs.getLong("system_overlay_size_bytes"),
                rs.getString("vmm"), GuestInit.ofColumn(rs.getString("init")), rs.getString("dir"),
                rs.getLong("size_bytes"), Instant.parse(rs.getString("created_at")));
    }
}
