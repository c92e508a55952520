package io.planpulse.serve;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.UnplannedSubject;
import java.util.List;
import java.util.function.Supplier;

/** What the HTTP API reads of the KPI table: {@link KpiView} in an instance, a fixed table in the API's tests. */
public interface KpiTable {
    /** Runs {@code action} while the table does not change (one plan version per year in everything it reads). */
    <T> T read(Supplier<T> action);

    /** Every KPI, key (year/id) order. */
    List<KpiSnapshot> all();

    /** The KPI of that target, or null. */
    KpiSnapshot get(int year, String id);

    /** The unplanned report subjects, year, stream and subject order. */
    List<UnplannedSubject> unplanned();
}
