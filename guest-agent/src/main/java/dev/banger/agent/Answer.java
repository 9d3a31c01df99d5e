package dev.banger.agent;

/** What the protocol answers one request: a payload, or an error message. */
record Answer(boolean ok, String text) {
    static Answer ok(String payload) {
        return new Answer(true, payload);
    }

    static Answer error(String message) {
        return new Answer(false, message);
    }
}
