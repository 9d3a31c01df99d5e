package dev.banger.common.rpc;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Instants to and from protobuf's Timestamp (protobuf-java-util is not a dependency). */
public final class Timestamps {
    private Timestamps() {
    }

    public static Timestamp of(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
