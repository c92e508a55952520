package io.planpulse.pipeline;

import io.planpulse.plan.Plan;
import io.planpulse.plan.Target;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;

/**
 * What loading a plan writes to planpulse.plan: one record per target (key year/id) and a tombstone for every
 * target of the same year that the topic holds and the new file no longer has.
 */
public final class PlanPublisher {
    private PlanPublisher() {
    }

    public static List<KeyValue<String, byte[]>> records(Plan plan, Collection<String> existingKeys) {
        List<KeyValue<String, byte[]>> out = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (Target t : plan.targets()) {
            keys.add(t.key());
            out.add(KeyValue.pair(t.key(), Topics.PLAN_TARGET.encode(PlanCodec.toAvro(t))));
        }
        String prefix = plan.year() + "/";
        for (String k : existingKeys) {
            if (k.startsWith(prefix) && !keys.contains(k)) {
                out.add(KeyValue.pair(k, null));
            }
        }
        return out;
    }
}
