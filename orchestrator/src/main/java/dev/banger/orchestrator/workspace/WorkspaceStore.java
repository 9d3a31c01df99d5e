package dev.banger.orchestrator.workspace;

import dev.banger.orchestrator.store.StoreException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** The workspaces table: one row per VM with a prepared workspace. */
@ApplicationScoped
public class WorkspaceStore {
    private final AgroalDataSource db;

    public WorkspaceStore(AgroalDataSource db) {
        this.db = db;
    }

    public Optional<WorkspaceRecord> forVm(String vmId) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM workspaces WHERE vm_id = ?")) {
            ps.setString(1, vmId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the workspace of VM " + vmId, e);
        }
    }

    /** Records a prepare, replacing the VM's earlier one. */
    public void put(WorkspaceRecord w) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO"
                + " workspaces (vm_id, host_path, guest_path, mode, include_untracked, branch, from_ref, head_commit,"
                + " host_fingerprint, prepared_at) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            int i = 0;
            ps.setString(++i, w.vmId());
            ps.setString(++i, w.hostPath());
            ps.setString(++i, w.guestPath());
            ps.setString(++i, w.mode().name().toLowerCase(Locale.ROOT));
            ps.setInt(++i, w.includeUntracked() ? 1 : 0);
            ps.setString(++i, w.branch());
            ps.setString(++i, w.from());
            ps.setString(++i, w.headCommit());
            ps.setString(++i, w.hostFingerprint());
            ps.setString(++i, w.preparedAt().toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record the workspace of VM " + w.vmId(), e);
        }
    }

    private static WorkspaceRecord read(ResultSet rs) throws SQLException {
        return new WorkspaceRecord(rs.getString("vm_id"), rs.getString("host_path"), rs.getString("guest_path"),
                WorkspaceMode.valueOf(rs.getString("mode").toUpperCase(Locale.ROOT)), rs.getInt("include_untracked") == 1,
                rs.getString("branch"), rs.getString("from_ref"), rs.getString("head_commit"),
                rs.getString("host_fingerprint"), Instant.parse(rs.getString("prepared_at")));
    }
}
