package io.planpulse.serve;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.UnplannedSubject;
import java.util.List;
import java.util.function.Supplier;

/** What the HTTP API reads of the KPI table: {@link KpiView} in an instance, a fixed table in the API's tests. */
public interface KpiTable {
    /** Runs {@code action} while the table does not change (one plan version per year in everything it reads). */
    <T> T read(Supplier<T> action);

    /** Every KPI, key (district/year/id) order. */
    List<KpiSnapshot> all();

    /** The KPIs of that target id in a year, one per district whose plan has it (district order). */
    default List<KpiSnapshot> get(int year, String id) {
        return read(() -> all().stream().filter(s -> s.getYear() == year && s.getId().equals(id)).toList());
    }

    /** The unplanned report subjects, year, stream and subject order. */
    List<UnplannedSubject> unplanned();

    /** The districts with facts, per year (district/year order); none where the table does not know them. */
    default List<io.planpulse.avro.DistrictFacts> districtFacts() {
        return List.of();
    }
}
