package io.planpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schema registry's settings come through the one configuration reader, and its secrets are never logged. */
class ConfigRegistryTest {

    @Test
    void shouldCollectTheRegistrySettingsFromEveryLayerAndMaskTheirSecrets() throws Exception {
        Config c = Config.load(null, Map.of("PLANPULSE_SCHEMA_REGISTRY_URL", "https://planpulse:s3cret@registry:8081",
                "PLANPULSE_KAFKA_BASIC_AUTH_USER_INFO", "planpulse:s3cret"),
                Map.of("schema.registry.ssl.truststore.location", "/etc/planpulse/registry.p12",
                        "schema.registry.ssl.truststore.password", "trustpass"));
        assertThat(c.schemaRegistry()).containsOnlyKeys("planpulse.schema.registry.url", "basic.auth.user.info",
                "schema.registry.ssl.truststore.location", "schema.registry.ssl.truststore.password");
        assertThat(c.get(Config.SCHEMA_REGISTRY_URL)).isEqualTo("https://planpulse:s3cret@registry:8081");
        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("trustpass")
                .contains("planpulse.schema.registry.url=https://[hidden]@registry:8081")
                .contains("/etc/planpulse/registry.p12");
    }
}
