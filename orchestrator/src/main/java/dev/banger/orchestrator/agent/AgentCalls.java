package dev.banger.orchestrator.agent;

import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.errors.NotFoundException;
import dev.banger.common.errors.UnavailableException;
import java.io.IOException;
import java.time.Duration;

/**
 * A request to a VM's agent whose failure the caller reports as it is: the agent's error
 * kind becomes the domain error (not-found, bad-request, conflict), anything else (no
 * answer, an agent of protocol 1) is unavailable, named with the VM.
 */
public final class AgentCalls {
    private AgentCalls() {
    }

    public static String ask(AgentClient.Target t, String vm, String request, Duration timeout, Duration startWait) {
        try {
            return AgentClient.callWhenUp(t, request, timeout, startWait);
        } catch (AgentClient.AgentException e) {
            String m = e.getMessage() + " (" + vm + ")";
            throw switch (e.kind()) {
                case "not-found" -> new NotFoundException(m);
                case "bad-request" -> new InvalidArgumentException(m);
                case "conflict" -> new FailedPreconditionException(m);
                default -> new UnavailableException("the guest agent of " + vm + ": " + e.getMessage());
            };
        } catch (IOException e) {
            throw new UnavailableException("the guest agent of " + vm + " did not answer: " + e.getMessage());
        }
    }
}
