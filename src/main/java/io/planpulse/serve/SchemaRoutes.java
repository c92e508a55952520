package io.planpulse.serve;

import io.planpulse.events.InputSchemas;
import java.util.Map;

/**
 * {@code GET /schemas}: every input schema (and planpulse.rejected's) with its topic, registry subject, version and
 * fingerprint; {@code GET /schemas/{type}}: that schema itself, the .avsc a producer parses.
 */
final class SchemaRoutes {
    record Answer(int status, Object body) {
    }

    private SchemaRoutes() {
    }

    static boolean matches(String path) {
        return path.equals("/schemas") || path.startsWith("/schemas/");
    }

    static Answer answer(String path) {
        String rest = path.substring("/schemas".length());
        if (rest.isEmpty() || rest.equals("/")) {
            return new Answer(200, InputSchemas.all().stream().map(InputSchemas.Entry::describe).toList());
        }
        String type = rest.substring(1);
        if (type.endsWith(".avsc")) {
            type = type.substring(0, type.length() - 5);
        }
        InputSchemas.Entry e = InputSchemas.byType(type);
        if (e == null) {
            return new Answer(404, Map.of("error", "no schema '" + type + "' (one of "
                    + InputSchemas.all().stream().map(InputSchemas.Entry::type).toList() + ")"));
        }
        return new Answer(200, e.json());
    }
}
