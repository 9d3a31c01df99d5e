package dev.banger.orchestrator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class VmStoreTest {
    @Inject
    AgroalDataSource db;
    @Inject
    VmStore store;

    static VmRecord vm(String id, String name, String ip, int vcpu) {
        return new VmRecord(id, name, VmState.STOPPED, "img-1", "default", "default", ip, vcpu, 2048, 8L << 30, 8L << 30,
                false, "qemu", null, "/state/vms/" + id, null, null, Instant.parse("2026-11-23T10:00:00Z"), null, dev.banger.orchestrator.vmm.GuestInit.LEAN,
                dev.banger.orchestrator.store.VmTimers.NONE);
    }

    @AfterEach
    void clean() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM vms");
        }
    }

    @Test
    void everyPooledConnectionHasWalBusyTimeoutAndForeignKeys() throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(db.getConnection()); // held at once, so each is a distinct pooled connection
            }
            for (Connection c : held) {
                assertEquals("wal", pragma(c, "journal_mode"));
                assertEquals("5000", pragma(c, "busy_timeout"));
                assertEquals("1", pragma(c, "foreign_keys"));
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    @Test
    void listReturnsVmsWithTheirIp() {
        store.insert(vm("id-b", "beta", null, 1));
        store.insert(vm("id-a", "alpha", "172.16.0.2", 2));
        List<VmRecord> vms = store.list();
        assertEquals(List.of("alpha", "beta"), vms.stream().map(VmRecord::name).toList());
        assertEquals("172.16.0.2", vms.get(0).ip());
        assertNull(vms.get(1).ip());
        assertEquals(2, vms.get(0).vcpu());
    }

    @Test
    void deletingAVmReleasesItsIp() throws SQLException {
        store.insert(vm("id-a", "alpha", "172.16.0.2", 2));
        assertTrue(store.delete("id-a"));
        assertFalse(store.delete("id-a"), "deleting twice reports nothing was there");
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM ip_allocations")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
        store.insert(vm("id-c", "gamma", "172.16.0.2", 1));
        assertEquals("172.16.0.2", store.list().get(0).ip(), "the freed IP can be allocated again");
    }

    @Test
    void theStoreRefusesBadRowsAndLeavesNothingBehind() {
        store.insert(vm("id-a", "alpha", "172.16.0.2", 2));
        assertThrows(StoreException.class, () -> store.insert(vm("id-b", "alpha", null, 1)), "duplicate name");
        assertThrows(StoreException.class, () -> store.insert(vm("id-c", "gamma", null, 0)), "zero vCPU");
        assertThrows(StoreException.class, () -> store.insert(vm("id-d", "delta", "172.16.0.2", 1)),
                "an IP already allocated");
        assertEquals(List.of("alpha"), store.list().stream().map(VmRecord::name).toList(),
                "a refused insert leaves no VM row behind, not even when only its IP was refused");
    }

    @Test
    void concurrentCreatesGetDistinctAddressesAndAFullSubnetIsRefused() throws Exception {
        dev.banger.common.ip.Ipv4Cidr subnet = dev.banger.common.ip.Ipv4Cidr.parse("172.16.0.1/29"); // guests .2 to .6
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(5);
        List<java.util.concurrent.Future<VmRecord>> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            made.add(pool.submit(() -> store.insertWithNewIp(vm("id" + n, "vm" + n, null, 1), subnet)));
        }
        java.util.Set<String> ips = new java.util.TreeSet<>();
        for (var f : made) {
            ips.add(f.get().ip());
        }
        pool.shutdown();
        assertEquals(java.util.Set.of("172.16.0.2", "172.16.0.3", "172.16.0.4", "172.16.0.5", "172.16.0.6"), ips);
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> store.insertWithNewIp(vm("id9", "vm9", null, 1), subnet));
        assertTrue(full.getMessage().contains("no free guest address"), full.getMessage());
        assertEquals(5, store.list().size(), "a refused create adds no VM");
        String holder = store.list().stream().filter(v -> "172.16.0.4".equals(v.ip())).findFirst().orElseThrow().id();
        store.delete(holder);
        assertEquals("172.16.0.4", store.insertWithNewIp(vm("id7", "vm7", null, 1), subnet).ip(), "freed, reused");
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
