package io.planpulse.base;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding (marker C3 01, the writer schema's CRC-64-AVRO fingerprint, the body) for one
 * generated record class. The decoder knows every released version of the schema (schemas/history), so records
 * written with an older version resolve against the current one; an unknown fingerprint fails.
 */
public final class AvroCodec<T extends SpecificRecord> {
    static {
        trustGeneratedClasses();
    }

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroCodec(Schema schema, List<Schema> released) {
        this.schema = schema;
        SpecificData data = SpecificData.get();
        this.encoder = new BinaryMessageEncoder<>(data, schema);
        this.decoder = new BinaryMessageDecoder<>(data, schema);
        for (Schema old : released) {
            decoder.addSchema(old);
        }
    }

    /** A codec that reads every released version of the schema (schemas/history on the classpath). */
    public static <T extends SpecificRecord> AvroCodec<T> of(Schema schema) {
        return new AvroCodec<>(schema, history(schema.getName()));
    }

    /** A codec that reads the given released versions of the schema. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Schema schema, List<Schema> released) {
        return new AvroCodec<>(schema, released);
    }

    /** Avro refuses to instantiate generated classes from packages it has not been told to trust. */
    public static void trustGeneratedClasses() {
        String key = "org.apache.avro.SERIALIZABLE_PACKAGES";
        String current = System.getProperty(key);
        if (current == null || !current.contains("io.planpulse.avro")) {
            System.setProperty(key, (current == null || current.isBlank() ? "" : current + ",")
                    + "io.planpulse.avro,io.planpulse.avro.internal");
        }
    }

    public Schema schema() {
        return schema;
    }

    public byte[] encode(T record) {
        try {
            ByteBuffer buf = encoder.encode(record);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IOException (or an Avro runtime exception) when the bytes are not a record of a known version */
    public T decode(byte[] bytes) throws IOException {
        return decoder.decode(bytes);
    }

    public Serde<T> serde() {
        Serializer<T> ser = (topic, v) -> v == null ? null : encode(v);
        Deserializer<T> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            try {
                return decode(b);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot decode " + schema.getName() + " from " + topic, e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }

    /** The released versions of a public schema, oldest first; internal records have none. */
    public static List<Schema> history(String name) {
        List<Schema> out = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in = AvroCodec.class.getResourceAsStream("/schemas/history/" + name + "/v" + v + ".avsc")) {
                if (in == null) {
                    return out;
                }
                out.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

}
