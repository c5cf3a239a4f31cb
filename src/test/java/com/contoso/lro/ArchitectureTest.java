package com.contoso.lro;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The developer guide's rule, as the build checks it: package by feature, and let dependencies
 * point one way. operations/ (handler, rules, store, query/) sits above batch/ ($batch, which its
 * handler hands on), and both above http/ (the server and the
 * request pipeline), contract/ (loading, serving and validating the contract, and the code generated
 * from it), auth/, db/ and config/; graph/, Graph's wire vocabulary, sits at the bottom.
 */
@AnalyzeClasses(packages = "com.contoso.lro", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String ROOT = "com.contoso.lro";

  @ArchTest
  static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
    .layer("service").definedBy(ROOT)
    .layer("operations").definedBy(ROOT + ".operations..")
    .layer("batch").definedBy(ROOT + ".batch..")
    .layer("retention").definedBy(ROOT + ".retention..")
    .layer("health").definedBy(ROOT + ".health..")
    .layer("metrics").definedBy(ROOT + ".metrics..")
    .layer("tracing").definedBy(ROOT + ".tracing..")
    .layer("http").definedBy(ROOT + ".http..")
    .layer("contract").definedBy(ROOT + ".contract..")
    .layer("throttle").definedBy(ROOT + ".throttle..")
    .layer("auth").definedBy(ROOT + ".auth..")
    .layer("db").definedBy(ROOT + ".db..")
    .layer("config").definedBy(ROOT + ".config..")
    .layer("graph").definedBy(ROOT + ".graph..")
    .whereLayer("service").mayNotBeAccessedByAnyLayer()
    .whereLayer("operations").mayOnlyBeAccessedByLayers("service")
    .whereLayer("batch").mayOnlyBeAccessedByLayers("service", "operations")
    .whereLayer("retention").mayOnlyBeAccessedByLayers("service")
    .whereLayer("health").mayOnlyBeAccessedByLayers("service")
    .whereLayer("tracing").mayOnlyBeAccessedByLayers("service")
    .whereLayer("http").mayOnlyBeAccessedByLayers("service", "metrics")
    .whereLayer("contract").mayOnlyBeAccessedByLayers("service", "operations", "batch", "http", "config");

  @ArchTest
  static final ArchRule graph_is_at_the_bottom = noClasses().that().resideInAPackage(ROOT + ".graph..")
    .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".operations..", ROOT + ".batch..", ROOT + ".retention..",
      ROOT + ".health..", ROOT + ".metrics..", ROOT + ".tracing..", ROOT + ".http..", ROOT + ".contract..", ROOT + ".throttle..",
      ROOT + ".auth..", ROOT + ".db..", ROOT + ".config..");

  @ArchTest
  static final ArchRule packages_are_free_of_cycles = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

  /** Main, Application, ServiceVerticle and ApiVerticle each a slice of their own, beside the packages. */
  @ArchTest
  static final ArchRule the_service_classes_and_packages_are_free_of_cycles = slices()
    .assignedFrom(new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String name = javaClass.getName();
        if (!name.startsWith(ROOT + ".")) {
          return SliceIdentifier.ignore();
        }
        String rest = name.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        // A nested class belongs with its top-level class.
        return SliceIdentifier.of(dot < 0 ? rest.replaceFirst("\\$.*", "") : rest.substring(0, dot));
      }

      @Override
      public String getDescription() {
        return "the service's top-level classes and packages";
      }
    })
    .should().beFreeOfCycles();

  /**
   * vertx-openapi's internals and its validation package (the transformers, the validated request),
   * vertx-json-schema, and networknt's engine that validates requests: the library workarounds live in
   * contract/ and nowhere else.
   */
  @ArchTest
  static final ArchRule library_workarounds_stay_in_contract = noClasses().that().resideOutsideOfPackage(ROOT + ".contract..")
    .should().dependOnClassesThat().resideInAnyPackage("io.vertx.openapi..impl..", "io.vertx.openapi.validation..",
      "io.vertx.json.schema..", "com.networknt..");
}
