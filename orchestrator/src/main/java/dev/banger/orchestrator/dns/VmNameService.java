package dev.banger.orchestrator.dns;

import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmState;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.orchestrator.system.InternalServices;
import dev.banger.proto.internal.v1.HostName;
import dev.banger.proto.internal.v1.NameResolution;
import dev.banger.proto.internal.v1.NetGrpc;
import dev.banger.proto.internal.v1.PublishNamesRequest;
import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * NAME.vm for every running VM (NET-4): the zone the DNS listener answers from, rebuilt
 * from the store at startup and after every change the store makes, and the same table
 * handed to the net service so the host's resolver knows it too. Changes are applied
 * off the caller's thread, coalesced: a burst of state changes is one rebuild.
 */
@ApplicationScoped
public class VmNameService {
    private static final Logger LOG = Logger.getLogger(VmNameService.class.getName());
    private final VmStore store;
    private final InternalServices internal;
    private final VmZone zone = new VmZone();
    private final ExecutorService rebuilder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vm-names");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile DnsListener listener;
    private volatile String listenerProblem = "";
    private volatile Map<String, String> published;
    private volatile String hostMethod = "";

    @ConfigProperty(name = "banger.dns.address", defaultValue = "127.0.0.1")
    String address;
    /** 42069 by default; 0 picks a free port (tests). */
    @ConfigProperty(name = "banger.dns.port", defaultValue = "42069")
    int port;

    public VmNameService(VmStore store, InternalServices internal) {
        this.store = store;
        this.internal = internal;
    }

    void onStart(@Observes StartupEvent e) {
        try {
            listener = DnsListener.start(zone, address, port);
        } catch (IOException | RuntimeException ex) {
            // The daemon still runs VMs without names; status and doctor say why.
            listenerProblem = "cannot listen on " + address + ":" + port + ": " + ex.getMessage();
            LOG.warning("dns: " + listenerProblem);
        }
        store.onChange(this::changed);
        changed();
    }

    /** Schedules a rebuild unless one is already waiting to run. */
    void changed() {
        if (queued.compareAndSet(false, true)) {
            rebuilder.execute(() -> {
                queued.set(false);
                rebuild();
            });
        }
    }

    /** A publish the net service refused or missed (it was restarting) is tried again. */
    @Scheduled(every = "${banger.dns.republish-every:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void republishIfBehind() {
        if (!Objects.equals(published, zone.records())) {
            changed();
        }
    }

    private void rebuild() {
        Map<String, String> table = new TreeMap<>();
        try {
            for (VmRecord vm : store.list()) {
                if (vm.state() == VmState.RUNNING && vm.ip() != null) {
                    table.put(vm.name(), vm.ip());
                }
            }
        } catch (RuntimeException ex) {
            LOG.warning("dns: cannot read the running VMs: " + ex.getMessage());
            return;
        }
        zone.replace(table);
        if (!table.equals(published)) {
            publish(table, false);
        }
    }

    private void publish(Map<String, String> table, boolean withdraw) {
        PublishNamesRequest.Builder r = PublishNamesRequest.newBuilder().setWithdraw(withdraw)
                .setDnsAddress(endpoint().orElse(""));
        table.forEach((name, ip) -> r.addNames(HostName.newBuilder().setName(name).setIp(ip)));
        try {
            NameResolution res = NetGrpc.newBlockingStub(internal.channel("net")).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .publishNames(r.build());
            hostMethod = res.getMethod() + (res.getDetail().isEmpty() ? "" : " (" + res.getDetail() + ")");
            published = withdraw ? null : table;
        } catch (StatusRuntimeException ex) {
            LOG.fine("dns: the net service did not take the names yet: " + ex.getStatus());
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        rebuilder.shutdownNow();
        if (listener != null) {
            listener.close();
        }
        // Nothing answers for .vm once the daemon is gone: take the names back from the host.
        publish(Map.of(), true);
    }

    /** "127.0.0.1:42069" while the listener runs. */
    public Optional<String> endpoint() {
        return Optional.ofNullable(listener).map(DnsListener::endpoint);
    }

    /** Why there is no listener ("" when there is one). */
    public String listenerProblem() {
        return listenerProblem;
    }

    /** How the host resolves .vm names, as the net service last said ("" before it answered). */
    public String hostMethod() {
        return hostMethod;
    }
}
