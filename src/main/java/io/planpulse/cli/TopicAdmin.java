package io.planpulse.cli;

import io.planpulse.pipeline.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics of planpulse that do not exist yet (the plan and KPI topics compacted). */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    public static void ensureTopics(Map<String, Object> clientConfig, int partitions, int replication)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(clientConfig)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            Optional<Short> rf = replication <= 0 ? Optional.empty() : Optional.of((short) replication);
            for (String t : Topics.ALL) {
                if (existing.contains(t)) {
                    continue;
                }
                boolean compacted = Topics.COMPACTED.contains(t);
                NewTopic nt = new NewTopic(t, Optional.of(compacted ? 1 : partitions), rf);
                if (compacted) {
                    nt.configs(Map.of("cleanup.policy", "compact"));
                }
                missing.add(nt);
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }
}
