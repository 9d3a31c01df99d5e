package dev.banger.cli.image;

import dev.banger.cli.output.ProgressPrinter;
import dev.banger.proto.api.v1.ImageEvent;
import java.util.Iterator;

/** Reads a build/pull stream: shows each progress line, returns the final event (image or kernel). */
final class ImageEvents {
    private ImageEvents() {
    }

    static ImageEvent follow(Iterator<ImageEvent> events, ProgressPrinter progress) {
        ImageEvent last = null;
        while (events.hasNext()) {
            ImageEvent e = events.next();
            if (e.hasProgress()) {
                progress.show(e.getProgress());
            } else {
                last = e;
            }
        }
        if (last == null) {
            throw new IllegalStateException("the stream ended without a result");
        }
        return last;
    }
}
