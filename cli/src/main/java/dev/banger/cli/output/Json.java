package dev.banger.cli.output;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.List;

/** `-o json` output: one message as an object, a list as an array of them. */
public final class Json {
    private Json() {
    }

    public static String of(MessageOrBuilder m) {
        try {
            return JsonFormat.printer().print(m) + "\n";
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String array(List<? extends MessageOrBuilder> items) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            out.append(i == 0 ? "\n" : ",\n").append(of(items.get(i)).stripTrailing());
        }
        return out.append(items.isEmpty() ? "]\n" : "\n]\n").toString();
    }
}
