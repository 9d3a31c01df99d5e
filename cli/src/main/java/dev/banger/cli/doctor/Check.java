package dev.banger.cli.doctor;

/** One readiness line of `banger doctor`: PASS, WARN or FAIL, what was seen, and the fix. */
public record Check(String name, Outcome outcome, String detail, String fix) {
    public enum Outcome { PASS, WARN, FAIL }

    static Check pass(String name, String detail) {
        return new Check(name, Outcome.PASS, detail, "");
    }

    static Check warn(String name, String detail, String fix) {
        return new Check(name, Outcome.WARN, detail, fix);
    }

    static Check fail(String name, String detail, String fix) {
        return new Check(name, Outcome.FAIL, detail, fix);
    }
}
