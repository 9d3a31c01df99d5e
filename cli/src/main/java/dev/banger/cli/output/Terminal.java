package dev.banger.cli.output;

import java.util.Map;

/** Decides whether output may carry colour: only on a terminal, never with NO_COLOR (OPS-7). */
public final class Terminal {
    private final boolean colour;

    public Terminal(boolean colour) {
        this.colour = colour;
    }

    public static Terminal detect() {
        return new Terminal(colourAllowed(System.console() != null, System.getenv()));
    }

    static boolean colourAllowed(boolean isTerminal, Map<String, String> env) {
        return isTerminal && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
    }

    public String green(String s) {
        return paint("32", s);
    }

    public String yellow(String s) {
        return paint("33", s);
    }

    public String red(String s) {
        return paint("31", s);
    }

    public String bold(String s) {
        return paint("1", s);
    }

    private String paint(String code, String s) {
        return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
