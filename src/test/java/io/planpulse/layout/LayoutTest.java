package io.planpulse.layout;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The layout of STYLE.md, kept by a test: data flows one way (events → intake → facts → kpistage → serve), what
 * several stages share lives in {@code base}, which imports nothing of ours, and no two packages reach each other.
 * A failure names the offending class and the dependency (the import or call) with its line.
 */
class LayoutTest {
    /** What each package may import of planpulse, besides itself and the generated Avro records. */
    private static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("base", List.of());
        ALLOWED.put("plan", List.of("base"));
        ALLOWED.put("kpi", List.of("plan"));
        ALLOWED.put("events", List.of("base", "kpi"));
        ALLOWED.put("facts", List.of("base", "kpi", "plan"));
        ALLOWED.put("intake", List.of("base", "events", "facts", "kpi", "plan"));
        ALLOWED.put("kpistage", List.of("base", "facts", "intake", "kpi", "plan"));
        ALLOWED.put("pipeline", List.of("base", "intake", "kpistage", "plan"));
        ALLOWED.put("report", List.of("base", "kpi", "plan"));
        ALLOWED.put("serve", List.of("base", "events", "kpi", "plan"));
        ALLOWED.put("simulate", List.of("base", "events", "plan"));
        ALLOWED.put("accuracy", List.of("base", "events", "kpi", "plan", "simulate"));
        ALLOWED.put("notify", List.of());
        ALLOWED.put("importer", List.of("base", "events"));
        ALLOWED.put("app", List.of("base", "events", "pipeline", "plan", "report", "serve", "simulate"));
        ALLOWED.put("broker", List.of("app"));
        ALLOWED.put("bench", List.of("app", "base", "broker", "events", "pipeline", "plan", "serve", "simulate"));
    }

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.planpulse");
    }

    @Test
    void shouldHaveNoCyclesBetweenPackages() {
        slices().matching("io.planpulse.(*)..").should().beFreeOfCycles().check(main);
    }

    @TestFactory
    List<DynamicTest> shouldImportOnlyTheLayersBelow() {
        List<DynamicTest> tests = new ArrayList<>();
        ALLOWED.forEach((pkg, allowed) -> tests.add(DynamicTest.dynamicTest(pkg + " imports only " + allowed, () -> {
            List<String> packages = new ArrayList<>();
            packages.add("io.planpulse." + pkg + "..");
            packages.add("io.planpulse.avro..");
            allowed.forEach(a -> packages.add("io.planpulse." + a + ".."));
            ArchRule rule = classes().that().resideInAPackage("io.planpulse." + pkg + "..")
                    .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.planpulse..")
                            .or(resideInAnyPackage(packages.toArray(String[]::new))))
                    .allowEmptyShould(false);
            rule.check(main);
        })));
        return tests;
    }

    @Test
    void shouldNameEveryPackageInTheLayers() {
        classes().that().resideInAPackage("io.planpulse.(*)..")
                .and(not(resideInAnyPackage("io.planpulse.avro..", "io.planpulse.cli..")))
                .should(new com.tngtech.archunit.lang.ArchCondition<>("be in a package the layers name") {
                    @Override
                    public void check(com.tngtech.archunit.core.domain.JavaClass c,
                                      com.tngtech.archunit.lang.ConditionEvents events) {
                        String rest = c.getPackageName().substring("io.planpulse.".length());
                        String top = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
                        if (!ALLOWED.containsKey(top)) {
                            events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(c,
                                    c.getName() + " is in package " + top + ", which LayoutTest.ALLOWED does not place"));
                        }
                    }
                }).check(main);
    }

    @Test
    void shouldKeepTheArithmeticFreeOfKafka() {
        noClasses().that().resideInAPackage("io.planpulse.kpi..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.apache.avro..")
                .check(main);
    }

    @Test
    void shouldLetNothingButTheRootCommandImportTheCommandLine() {
        noClasses().that().resideOutsideOfPackages("io.planpulse.cli..")
                .and().doNotHaveFullyQualifiedName("io.planpulse.Planpulse")
                .should().dependOnClassesThat().resideInAPackage("io.planpulse.cli..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.planpulse.Planpulse")
                .check(main);
    }
}
