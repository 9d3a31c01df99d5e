package dev.banger.orchestrator.ops;

import dev.banger.orchestrator.store.StoreException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The operations log in the orchestrator's store (tables operations and operation_vms). */
@ApplicationScoped
public class OperationStore {
    /** Older rows go when a new daemon starts: the log is for diagnosis, not an archive. */
    static final int KEPT = 10_000;
    // Fixed width, so that the text sorts as the time does.
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final AgroalDataSource db;

    public OperationStore(AgroalDataSource db) {
        this.db = db;
    }

    public void begin(String opId, OperationKind kind, Instant at) {
        update("cannot record operation " + opId,
                "INSERT INTO operations (id, kind, state, started_at) VALUES (?, ?, 'running', ?)",
                opId, kind.label(), TIME.format(at));
    }

    /** Records that the operation acted on a VM; the id is filled in once known (a create's). */
    public void touch(String opId, String vmName, String vmId) {
        update("cannot record the VM of operation " + opId,
                "INSERT INTO operation_vms (op_id, vm_name, vm_id) VALUES (?, ?, ?)"
                        + " ON CONFLICT (op_id, vm_name) DO UPDATE SET vm_id = coalesce(excluded.vm_id, vm_id)",
                opId, vmName, vmId);
    }

    public void finish(String opId, OperationState state, String error, Instant at) {
        update("cannot finish operation " + opId,
                "UPDATE operations SET state = ?, error = ?, finished_at = ? WHERE id = ?",
                state.column(), error, TIME.format(at), opId);
    }

    /**
     * At startup: operations a previous orchestrator left running were cut off by its end,
     * and the log keeps its newest {@link #KEPT} rows.
     */
    public void closeLeftovers(Instant at) {
        update("cannot close interrupted operations", "UPDATE operations SET state = 'interrupted',"
                + " error = 'the orchestrator stopped before it finished', finished_at = ? WHERE state = 'running'",
                TIME.format(at));
        update("cannot trim the operations log",
                "DELETE FROM operations WHERE rowid <= (SELECT max(rowid) FROM operations) - " + KEPT);
    }

    /** The newest {@code limit} operations (of one VM, by name, if given), oldest first. */
    public List<OperationRecord> last(int limit, Optional<String> vmName) {
        String sql = "SELECT o.*, (SELECT group_concat(vm_name, ' ') FROM (SELECT vm_name FROM operation_vms v"
                + " WHERE v.op_id = o.id ORDER BY v.vm_name)) AS vms FROM operations o"
                + (vmName.isPresent() ? " WHERE EXISTS (SELECT 1 FROM operation_vms v WHERE v.op_id = o.id"
                        + " AND v.vm_name = ?)" : "")
                + " ORDER BY o.rowid DESC LIMIT ?";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            if (vmName.isPresent()) {
                ps.setString(++i, vmName.get());
            }
            ps.setInt(++i, limit);
            List<OperationRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            Collections.reverse(out);
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the operations log", e);
        }
    }

    private static OperationRecord read(ResultSet rs) throws SQLException {
        String vms = rs.getString("vms");
        String finished = rs.getString("finished_at");
        return new OperationRecord(rs.getString("id"), rs.getString("kind"),
                vms == null ? List.of() : Arrays.asList(vms.split(" ")),
                OperationState.ofColumn(rs.getString("state")), rs.getString("error"),
                Instant.parse(rs.getString("started_at")),
                finished == null ? Optional.empty() : Optional.of(Instant.parse(finished)));
    }

    private void update(String what, String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(what, e);
        }
    }
}
