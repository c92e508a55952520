package io.planpulse.serve;

import io.planpulse.events.InputSchemas;
import io.planpulse.serve.HttpApi.Answer;

/**
 * {@code GET /schemas}: every input schema (and planpulse.rejected's) with its topic, registry subject, version and
 * fingerprint; {@code GET /schemas/{type}}: that schema itself, the .avsc a producer parses.
 */
final class SchemaRoutes {
    private SchemaRoutes() {
    }

    static Answer all() {
        return Answer.ok(InputSchemas.all().stream().map(InputSchemas.Entry::describe).toList());
    }

    /** {@code type}, or {@code type.avsc}. */
    static Answer one(String type) {
        String name = type.endsWith(".avsc") ? type.substring(0, type.length() - 5) : type;
        InputSchemas.Entry e = InputSchemas.byType(name);
        if (e == null) {
            return Answer.error(404, "no schema '" + name + "' (one of "
                    + InputSchemas.all().stream().map(InputSchemas.Entry::type).toList() + ")");
        }
        return Answer.ok(e.json());
    }
}
