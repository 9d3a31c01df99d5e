package dev.banger.cli.update;

/**
 * The services of an installation, as an update restarts them: under systemd for a
 * `system install`, none for an installation that only holds the CLI.
 */
public interface InstalledServices {
    /** Whether there are services to restart (false: the CLI alone, nothing runs). */
    boolean present();

    /**
     * Restarts them on the release `current` names now, and returns once the orchestrator
     * answers from the new processes; throws with the reason when it does not in time.
     * Never signals a VMM: the units leave them alone (KillMode=process, SendSIGKILL=no).
     */
    void restartAndAwait();

    InstalledServices NONE = new InstalledServices() {
        @Override
        public boolean present() {
            return false;
        }

        @Override
        public void restartAndAwait() {
        }
    };
}
