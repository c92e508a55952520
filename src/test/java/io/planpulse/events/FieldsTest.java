package io.planpulse.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldsTest {
    private static final String[] NAMES = {"direction", "channel", "partner_country"};

    @Test
    void shouldLookUpByNameAndEqualTheMapOfTheSameEntries() {
        Fields f = new Fields(NAMES, "export", "rail", "DE");
        assertThat(f.get("channel")).isEqualTo("rail");
        assertThat(f.get(new String("partner_country"))).isEqualTo("DE");
        assertThat(f.get("terminal")).isNull();
        assertThat(f.containsKey("direction")).isTrue();
        assertThat(f).hasSize(3).isEqualTo(Map.of("direction", "export", "channel", "rail", "partner_country", "DE"));
        assertThat(Map.of("direction", "export", "channel", "rail", "partner_country", "DE")).isEqualTo(f);
        assertThat(f.hashCode()).isEqualTo(Map.of("direction", "export", "channel", "rail", "partner_country", "DE")
                .hashCode());
    }

    @Test
    void shouldRefuseValuesThatDoNotMatchTheNames() {
        assertThatThrownBy(() -> new Fields(NAMES, "export", "rail")).isInstanceOf(IllegalArgumentException.class);
    }
}
