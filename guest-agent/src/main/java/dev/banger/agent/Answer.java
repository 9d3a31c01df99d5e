package dev.banger.agent;

/**
 * What the protocol answers one request: a payload, or an error of a kind the host acts on
 * ({@code unauthorized}, {@code bad-request}, {@code not-found}, {@code conflict},
 * {@code failed}) and a message for people.
 */
record Answer(boolean ok, String kind, String text) {
    static Answer ok(String payload) {
        return new Answer(true, "", payload);
    }

    static Answer error(String kind, String message) {
        return new Answer(false, kind, message);
    }

    /** The error line after "error ": KIND MESSAGE. */
    String errorLine() {
        return kind + " " + text;
    }
}
