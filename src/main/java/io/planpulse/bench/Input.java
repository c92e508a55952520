package io.planpulse.bench;

import io.planpulse.app.PipelineApp;
import io.planpulse.base.Stream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a run reads, measured nothing by itself: the flow topics on the bench's cluster, from where its records
 * start. The JSON runs start at the end of the Avro input, where the JSON copies begin; the others at the beginning.
 *
 * @param clients the cluster's client settings ({@code bootstrap.servers})
 * @param startAt where reading starts, by partition (null: from the beginning)
 */
record Input(Map<String, Object> clients, Map<TopicPartition, Long> startAt) {
    /** The flow topics the bench produces to and reads. */
    static final List<Stream> FLOWS = List.of(Stream.TRUCK_DEPARTURE, Stream.TRADE_DECLARATION, Stream.HUB_THROUGHPUT);

    /** The flow topics from their beginning. */
    static Input fromStart(Map<String, Object> clients) {
        return new Input(clients, null);
    }

    /** The flow topics from their end as of now: what is produced from here on. */
    Input fromEnd() throws Exception {
        try (Admin admin = Admin.create(clients)) {
            return new Input(clients, endOffsets(admin));
        }
    }

    /** The end offsets (committed records) of every partition of the flow topics. */
    static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        return PipelineApp.endOffsets(admin, FLOWS.stream().map(Stream::topic).toList());
    }

    /** A new application's group starts at {@link #startAt} (nothing to do when null). */
    void seedOffsets(Admin admin, String appId) throws Exception {
        if (startAt != null) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            startAt.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
            admin.alterConsumerGroupOffsets(appId, offsets).all().get();
        }
    }

    /** Moves a consumer assigned {@code parts} of the flow topics to where this input starts. */
    void seek(KafkaConsumer<?, ?> consumer, List<TopicPartition> parts) {
        consumer.seekToBeginning(parts);
        if (startAt != null) {
            startAt.forEach(consumer::seek);
        }
    }
}
