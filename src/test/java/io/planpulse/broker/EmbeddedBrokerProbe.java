package io.planpulse.broker;
public class EmbeddedBrokerProbe {
    public static void main(String[] a) throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.start(Integer.parseInt(a[0]), a.length > 1 ? java.nio.file.Path.of(a[1]) : null)) {
            System.out.println("BOOT " + b.bootstrapServers());
        }
    }
}
