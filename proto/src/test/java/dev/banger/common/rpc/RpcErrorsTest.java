package dev.banger.common.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.errors.AlreadyExistsException;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.errors.NotFoundException;
import dev.banger.common.errors.Reason;
import dev.banger.common.errors.UnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RpcErrorsTest {
    @Test
    void domainErrorsKeepTheirKindAsTheStatusCode() {
        assertEquals(Status.Code.NOT_FOUND, code(new NotFoundException("no VM named x")));
        assertEquals(Status.Code.ALREADY_EXISTS, code(new AlreadyExistsException("taken")));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(new InvalidArgumentException("bad name")));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(new FailedPreconditionException("running")));
        assertEquals(Status.Code.UNAVAILABLE, code(new UnavailableException("busy")));
        assertEquals("bad name", Rpc.toStatus(new InvalidArgumentException("bad name")).getStatus().getDescription());
    }

    @Test
    void aReasonTravelsAsErrorInfoAndIsReadBack() {
        StatusRuntimeException e = Rpc.toStatus(new FailedPreconditionException(Reason.IMAGE_STALE, "rebuild it"));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals("rebuild it", e.getStatus().getDescription());
        assertEquals(Optional.of(Reason.IMAGE_STALE), ErrorReasons.of(e));
        assertTrue(ErrorReasons.is(e, Reason.IMAGE_STALE));
        assertEquals(Optional.empty(), ErrorReasons.of(Rpc.toStatus(new NotFoundException("no reason"))));
    }

    @Test
    void aLibrarysExceptionIsInternalWhateverItsType() {
        // Before typed errors a library's IllegalStateException read as "failed precondition".
        assertEquals(Status.Code.INTERNAL, code(new IllegalStateException("Timer already cancelled.")));
        assertEquals(Status.Code.INTERNAL, code(new IllegalArgumentException("Illegal base64 character")));
        assertEquals(Status.Code.INTERNAL, code(new java.util.NoSuchElementException("No value present")));
        assertEquals(Status.Code.INTERNAL, code(new NullPointerException()));
        assertEquals(Optional.empty(), ErrorReasons.of(Rpc.toStatus(new IllegalStateException("x"))));
    }

    @Test
    void aStatusFromAnotherServicePassesThroughWithItsDetails() {
        StatusRuntimeException upstream = Rpc.toStatus(new NotFoundException(Reason.IMAGE_MISSING, "no image"));
        StatusRuntimeException passed = Rpc.toStatus(upstream);
        assertSame(upstream, passed);
        assertEquals(Optional.of(Reason.IMAGE_MISSING), ErrorReasons.of(passed));
    }

    private static Status.Code code(RuntimeException e) {
        return Rpc.toStatus(e).getStatus().getCode();
    }
}
