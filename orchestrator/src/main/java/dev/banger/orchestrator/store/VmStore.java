package dev.banger.orchestrator.store;

import dev.banger.common.errors.Reason;
import dev.banger.common.errors.NotFoundException;
import dev.banger.common.errors.UnavailableException;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.ip.Ipv4Cidr;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import dev.banger.orchestrator.vmm.GuestInit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes VMs and their IP allocations in the orchestrator's SQLite store. */
@ApplicationScoped
public class VmStore {
    private static final String SELECT = "SELECT v.*, a.ip, w.guest_path AS workspace_path FROM vms v"
            + " LEFT JOIN ip_allocations a ON a.vm_id = v.id LEFT JOIN workspaces w ON w.vm_id = v.id";

    private final AgroalDataSource db;
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public VmStore(AgroalDataSource db) {
        this.db = db;
    }

    /** Runs after every change of a VM's state, name or existence (the .vm zone follows them). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    /** Every VM of the user's (the warm pool's are the daemon's), oldest first. */
    public List<VmRecord> list() {
        return select("WHERE v.pooled = 0");
    }

    /** The warm pool's VMs (SNAP-3), oldest first. */
    public List<VmRecord> pooled() {
        return select("WHERE v.pooled = 1");
    }

    /** The user's VMs and the pool's: what reconcile matches against the running VMMs. */
    public List<VmRecord> listAll() {
        return select("");
    }

    private List<VmRecord> select(String where, String... args) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT + " " + where + " ORDER BY v.created_at, v.name")) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<VmRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list VMs", e);
        }
    }

    /**
     * A VM by name, id, or unique id prefix (VM-3). An ambiguous prefix is an error
     * naming the candidates; nothing matching is NoSuchElementException. A pooled VM is
     * found by its whole id only (the lifecycle drives it by id; users never name one).
     */
    public VmRecord resolve(String ref) {
        // The user's VMs, and a pooled one only when ref is its whole id.
        List<VmRecord> all = select("WHERE v.pooled = 0 OR v.id = ?", ref);
        for (VmRecord v : all) {
            if (v.id().equals(ref)) {
                return v;
            }
        }
        for (VmRecord v : all) {
            if (v.name().equals(ref)) {
                return v;
            }
        }
        List<VmRecord> prefixed = all.stream().filter(v -> !ref.isEmpty() && v.id().startsWith(ref)).toList();
        if (prefixed.size() == 1) {
            return prefixed.get(0);
        }
        if (prefixed.size() > 1) {
            throw new InvalidArgumentException(Reason.VM_AMBIGUOUS, "'" + ref + "' is ambiguous: " + String.join(", ",
                    prefixed.stream().map(VmRecord::name).toList()));
        }
        throw new NotFoundException(Reason.VM_NOT_FOUND, "no VM named " + ref);
    }

    /** vm set (VM-3): new sizes for a stopped VM. */
    public void updateSize(String id, int vcpu, int memoryMib) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE vms SET vcpu = ?, memory_mib = ? WHERE id = ?")) {
            ps.setInt(1, vcpu);
            ps.setInt(2, memoryMib);
            ps.setString(3, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot resize VM " + id, e);
        }
    }

    /** Records a state change; pid and startedAt are set when given, lastError replaced. */
    public void updateState(String id, VmState state, Long vmmPid, Instant startedAt, String lastError) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE vms SET state = ?, vmm_pid = ?, started_at = COALESCE(?, started_at), last_error = ?,"
                        + " paused_at = CASE WHEN ? = 'running' THEN paused_at END WHERE id = ?")) {
            // A VM that stops (or fails) is not paused any more; one that stays running keeps its pause.
            ps.setString(1, state.label());
            ps.setObject(2, vmmPid);
            ps.setString(3, startedAt == null ? null : startedAt.toString());
            ps.setString(4, lastError);
            ps.setString(5, state.label());
            ps.setString(6, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update VM " + id, e);
        }
        changed();
    }

    /**
     * Names of the user's VMs built on an image (IMG-6: such an image cannot be deleted).
     * The warm pool's do not hold it: the pool drops VMs of an image that is no longer current.
     */
    public List<String> namesUsingImage(String imageId) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT name FROM vms WHERE image_id = ? AND pooled = 0 ORDER BY name")) {
            ps.setString(1, imageId);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list VMs of image " + imageId, e);
        }
    }

    /**
     * Adds a VM with the lowest free guest address of the subnet, in one transaction.
     * Two creates racing for one address: the loser's insert hits the primary key and
     * it tries the next address. A full subnet is a clear error that adds nothing.
     */
    public VmRecord insertWithNewIp(VmRecord vm, Ipv4Cidr subnet) {
        return insertWithNewIp(vm, subnet, false);
    }

    /** As above; a pooled VM (SNAP-3) is hidden from list() until claim() hands it to the user. */
    public VmRecord insertWithNewIp(VmRecord vm, Ipv4Cidr subnet, boolean pooled) {
        for (int attempt = 0; attempt < 8; attempt++) {
            java.util.Set<String> used = new java.util.HashSet<>();
            try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT ip FROM ip_allocations");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    used.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read IP allocations", e);
            }
            String ip = subnet.firstFree(used).orElseThrow(() -> new FailedPreconditionException(
                    "no free guest address left in " + subnet + "; delete a VM or widen the subnet"));
            VmRecord withIp = new VmRecord(vm.id(), vm.name(), vm.state(), vm.imageId(), vm.imageName(), vm.kernelName(),
                    ip, vm.vcpu(), vm.memoryMib(), vm.diskSizeBytes(), vm.systemOverlaySizeBytes(), vm.nat(), vm.vmm(),
                    vm.vmmPid(), vm.dir(), vm.workspacePath(), vm.lastError(), vm.createdAt(), vm.startedAt(), vm.init(),
                    vm.timers());
            try {
                insert(withIp, pooled);
                return withIp;
            } catch (StoreException e) {
                if (!(e.getCause() instanceof SQLiteException s)
                        || s.getResultCode() != SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                    throw e;
                }
                // someone else took that address (ip_allocations' key) meanwhile: look again
            }
        }
        throw new UnavailableException("could not allocate a guest address: too much contention");
    }

    /** Adds a VM and, when it has one, its IP, in one transaction. */
    public void insert(VmRecord vm) {
        insert(vm, false);
    }

    private void insert(VmRecord vm, boolean pooled) {
        inTransaction("cannot add VM " + vm.name(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO vms (id, name, state, image_id, image_name,"
                    + " kernel_name, vcpu, memory_mib, disk_size_bytes, system_overlay_size_bytes, nat, vmm, vmm_pid,"
                    + " dir, last_error, created_at, started_at, init, expires_at, idle_stop_seconds, pooled)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int i = 0;
                ps.setString(++i, vm.id());
                ps.setString(++i, vm.name());
                ps.setString(++i, vm.state().label());
                ps.setString(++i, vm.imageId());
                ps.setString(++i, vm.imageName());
                ps.setString(++i, vm.kernelName());
                ps.setInt(++i, vm.vcpu());
                ps.setInt(++i, vm.memoryMib());
                ps.setLong(++i, vm.diskSizeBytes());
                ps.setLong(++i, vm.systemOverlaySizeBytes());
                ps.setInt(++i, vm.nat() ? 1 : 0);
                ps.setString(++i, vm.vmm());
                ps.setObject(++i, vm.vmmPid());
                ps.setString(++i, vm.dir());
                ps.setString(++i, vm.lastError());
                ps.setString(++i, vm.createdAt().toString());
                ps.setString(++i, vm.startedAt() == null ? null : vm.startedAt().toString());
                ps.setString(++i, (vm.init() == null ? GuestInit.LEAN : vm.init()).column());
                VmTimers t = vm.timersOrNone();
                ps.setString(++i, t.expiresAt() == null ? null : t.expiresAt().toString());
                ps.setObject(++i, t.idleStop() == null ? null : t.idleStop().toSeconds());
                ps.setInt(++i, pooled ? 1 : 0);
                ps.executeUpdate();
            }
            if (vm.ip() != null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO ip_allocations (ip, vm_id, allocated_at) VALUES (?,?,?)")) {
                    ps.setString(1, vm.ip());
                    ps.setString(2, vm.id());
                    ps.setString(3, Instant.now().toString());
                    ps.executeUpdate();
                }
            }
        });
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    /**
     * Runs work in one transaction and rolls back on any failure. The explicit
     * rollback matters: a pooled connection handed back with autocommit reset
     * would otherwise commit the half that succeeded.
     */
    private void inTransaction(String what, Work work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(what, e);
        }
    }

    /** Removes a VM; its IP allocation goes with it (foreign key cascade). */
    public boolean delete(String id) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM vms WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot delete VM " + id, e);
        } finally {
            changed();
        }
    }

    private static VmRecord read(ResultSet rs) throws SQLException {
        long pid = rs.getLong("vmm_pid");
        Long vmmPid = rs.wasNull() ? null : pid;
        return new VmRecord(rs.getString("id"), rs.getString("name"), VmState.fromLabel(rs.getString("state")),
                rs.getString("image_id"), rs.getString("image_name"), rs.getString("kernel_name"),
                rs.getString("ip"), rs.getInt("vcpu"), rs.getInt("memory_mib"), rs.getLong("disk_size_bytes"),
                rs.getLong("system_overlay_size_bytes"), rs.getInt("nat") == 1, rs.getString("vmm"), vmmPid,
                rs.getString("dir"), rs.getString("workspace_path"), rs.getString("last_error"),
                Instant.parse(rs.getString("created_at")), instantOrNull(rs.getString("started_at")),
                GuestInit.ofColumn(rs.getString("init")), timers(rs));
    }

    private static VmTimers timers(ResultSet rs) throws SQLException {
        long idle = rs.getLong("idle_stop_seconds");
        java.time.Duration idleStop = rs.wasNull() ? null : java.time.Duration.ofSeconds(idle);
        return new VmTimers(instantOrNull(rs.getString("paused_at")), instantOrNull(rs.getString("expires_at")), idleStop,
                instantOrNull(rs.getString("last_activity_at")));
    }

    /** vm pause / resume: when it was paused, or null once it runs again. */
    public void setPaused(String id, Instant at) {
        update("cannot record the pause of VM " + id, "UPDATE vms SET paused_at = ? WHERE id = ?",
                at == null ? null : at.toString(), id);
        changed();
    }

    /**
     * SNAP-3: a pooled VM becomes the user's, under the name, NAT and timers the run asked
     * for, created now. False if it was no longer in the pool (nothing changed then).
     */
    public boolean claim(String id, String name, boolean nat, VmTimers timers, Instant now) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE vms SET pooled = 0,"
                + " name = ?, nat = ?, expires_at = ?, idle_stop_seconds = ?, created_at = ?, last_activity_at = ?"
                + " WHERE id = ? AND pooled = 1")) {
            int i = 0;
            ps.setString(++i, name);
            ps.setInt(++i, nat ? 1 : 0);
            ps.setString(++i, timers.expiresAt() == null ? null : timers.expiresAt().toString());
            ps.setObject(++i, timers.idleStop() == null ? null : timers.idleStop().toSeconds());
            ps.setString(++i, now.toString());
            ps.setString(++i, now.toString());
            ps.setString(++i, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot hand pooled VM " + id + " over", e);
        } finally {
            changed();
        }
    }

    /** Someone used the VM (exec, ssh, a session): --idle-stop counts from here. */
    public void touchActivity(String id, Instant at) {
        update("cannot record activity on VM " + id, "UPDATE vms SET last_activity_at = ? WHERE id = ?", at.toString(),
                id);
    }

    private void update(String what, String sql, String value, String id) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(what, e);
        }
    }

    private static Instant instantOrNull(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
