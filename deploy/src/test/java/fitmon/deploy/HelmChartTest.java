package fitmon.deploy;

import static fitmon.deploy.Repo.at;
import static fitmon.deploy.Repo.list;
import static fitmon.deploy.Repo.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

/** The Helm chart, linted and rendered with the helm library itself, checked object by object. */
class HelmChartTest {

    private static final Path CHART = Repo.root().resolve("helm/fitmon");
    private static final String NAMESPACE = "mon";

    @Test
    void the_chart_lints_clean_in_strict_mode() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest(name = "f = {0}")
    @ValueSource(ints = {1, 2, 3})
    void brokers_are_one_statefulset_of_3f_plus_1_started_together(int f) {
        Rendered chart = render(f);
        Map<String, Object> sts = chart.one("StatefulSet", "fitmon-broker");

        assertThat(at(sts, "spec", "replicas")).isEqualTo(3 * f + 1);
        assertThat(at(sts, "spec", "podManagementPolicy")).isEqualTo("Parallel");
        Map<String, Object> headless = chart.one("Service", (String) at(sts, "spec", "serviceName"));
        assertThat(at(headless, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(headless, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        assertThat(map(at(sts, "spec", "template", "metadata", "labels")))
                .containsAllEntriesOf(selector(at(sts, "spec", "selector", "matchLabels")));
        assertThat(selector(at(headless, "spec", "selector"))).isEqualTo(selector(at(sts, "spec", "selector", "matchLabels")));
        Map<String, Object> container = container(sts, "broker");
        assertThat(map(list(at(container, "env")).get(0)))
                .containsEntry("name", "REPLICA_ID");
        assertThat(at(list(at(container, "env")).get(0), "valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']");
        assertThat(args(container)).containsEntry("fitmon.broker.replica-id", "$(REPLICA_ID)")
                .containsEntry("fitmon.broker.f", String.valueOf(f));
    }

    @ParameterizedTest(name = "f = {0}")
    @ValueSource(ints = {1, 2, 3})
    void every_broker_and_the_gateway_get_one_peer_table_in_ordinal_order(int f) {
        int n = 3 * f + 1;
        Rendered chart = render(f);
        Map<String, Object> sts = chart.one("StatefulSet", "fitmon-broker");
        Map<String, String> broker = args(container(sts, "broker"));
        Map<String, String> gateway = args(container(chart.one("Deployment", "fitmon-gateway"), "gateway"));

        List<String> peers = List.of(broker.get("fitmon.broker.peers").split(","));
        assertThat(gateway.get("fitmon.gateway.cluster.peers")).isEqualTo(broker.get("fitmon.broker.peers"));
        assertThat(gateway.get("fitmon.gateway.cluster.f")).isEqualTo(String.valueOf(f));
        int peerPort = containerPort(container(sts, "broker"), "bft-client");
        int httpPort = containerPort(container(sts, "broker"), "http");
        String domain = "." + at(sts, "spec", "serviceName") + "." + NAMESPACE + ".svc.cluster.local";
        assertThat(peers).hasSize(n);
        List<String> urls = List.of(gateway.get("fitmon.gateway.cluster.replica-urls").split(","));
        assertThat(urls).hasSize(n);
        List<String> publicKeys = List.of(broker.get("fitmon.broker.keys.public-key-files").split(","));
        assertThat(publicKeys).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(peers.get(i)).isEqualTo("fitmon-broker-" + i + domain + ":" + peerPort);
            assertThat(urls.get(i)).isEqualTo("http://fitmon-broker-" + i + domain + ":" + httpPort);
            assertThat(publicKeys.get(i)).endsWith("/replica-" + i + ".pub.pem");
        }
        assertThat(containerPort(container(sts, "broker"), "bft-replica")).isEqualTo(peerPort + 1);
    }

    @ParameterizedTest(name = "f = {0}")
    @ValueSource(ints = {1, 2, 3})
    void each_broker_keeps_its_state_on_its_own_claim_mounted_at_its_data_dir(int f) {
        Rendered chart = render(f);
        Map<String, Object> sts = chart.one("StatefulSet", "fitmon-broker");
        Map<String, Object> broker = container(sts, "broker");

        String dataDir = args(broker).get("fitmon.broker.data-dir");
        assertThat(dataDir).as("--fitmon.broker.data-dir").isNotBlank();
        assertThat(dataDir).isEqualTo(mountPath(broker, "data"));
        assertThat(list(broker.get("volumeMounts")).stream().map(Repo::map).filter(m -> dataDir.equals(m.get("mountPath"))))
                .as("mounts at " + dataDir).hasSize(1)
                .allSatisfy(m -> assertThat(m.get("readOnly")).isNotEqualTo(true));
        Object podVolumes = at(sts, "spec", "template", "spec", "volumes");
        assertThat(list(podVolumes)).as("pod volumes").noneMatch(v -> "data".equals(map(v).get("name")));
        List<Map<String, Object>> claims = list(at(sts, "spec", "volumeClaimTemplates")).stream().map(Repo::map)
                .filter(c -> "data".equals(at(c, "metadata", "name"))).toList();
        assertThat(claims).as("volumeClaimTemplates named data").hasSize(1);
        assertThat(list(at(claims.get(0), "spec", "accessModes"))).containsExactly("ReadWriteOnce");
        assertThat(at(claims.get(0), "spec", "resources", "requests", "storage")).isNotNull();
    }

    @ParameterizedTest(name = "f = {0}")
    @ValueSource(ints = {1, 2, 3})
    void a_disruption_budget_of_f_and_replicas_kept_on_different_nodes(int f) {
        Rendered chart = render(f);
        Map<String, Object> sts = chart.one("StatefulSet", "fitmon-broker");
        Map<String, Object> pdb = chart.one("PodDisruptionBudget", "fitmon-broker");

        assertThat(at(pdb, "spec", "maxUnavailable")).isEqualTo(f);
        assertThat(at(pdb, "spec", "minAvailable")).isNull();
        assertThat(selector(at(pdb, "spec", "selector", "matchLabels")))
                .isEqualTo(selector(at(sts, "spec", "selector", "matchLabels")));
        Object term = at(sts, "spec", "template", "spec", "affinity", "podAntiAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution", 0);
        assertThat(at(term, "topologyKey")).isEqualTo("kubernetes.io/hostname");
        assertThat(selector(at(term, "labelSelector", "matchLabels")))
                .isEqualTo(selector(at(sts, "spec", "selector", "matchLabels")));
    }

    @ParameterizedTest(name = "f = {0}")
    @ValueSource(ints = {1, 2, 3})
    void each_replica_has_a_service_of_its_own_for_console_subscriptions(int f) {
        Rendered chart = render(f);
        Map<String, Object> sts = chart.one("StatefulSet", "fitmon-broker");
        int httpPort = containerPort(container(sts, "broker"), "http");
        for (int i = 0; i < 3 * f + 1; i++) {
            Map<String, Object> service = chart.one("Service", "fitmon-broker-" + i);
            assertThat(map(at(service, "spec", "selector"))).containsEntry("statefulset.kubernetes.io/pod-name",
                    "fitmon-broker-" + i).containsAllEntriesOf(selector(at(sts, "spec", "selector", "matchLabels")));
            assertThat(at(service, "spec", "ports", 0, "port")).isEqualTo(httpPort);
            assertThat(at(service, "spec", "publishNotReadyAddresses")).isNotEqualTo(true);
        }
        assertThat(chart.all("Service").stream().filter(s -> name(s).matches("fitmon-broker-\\d+"))).hasSize(3 * f + 1);
    }

    @Test
    void a_broker_container_sees_its_own_private_key_only() {
        Rendered chart = render(2);
        Map<String, Object> sts = chart.one("StatefulSet", "fitmon-broker");
        Map<String, Object> pod = map(at(sts, "spec", "template", "spec"));
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        list(pod.get("volumes")).forEach(v -> volumes.put((String) map(v).get("name"), map(v)));

        List<String> privateItems = items(volumes.get("all-private-keys"));
        List<String> publicItems = items(volumes.get("public-keys"));
        assertThat(privateItems).hasSize(7).allMatch(k -> k.matches("replica-\\d\\.key\\.pem"));
        assertThat(publicItems).hasSize(7).allMatch(k -> k.matches("replica-\\d\\.pub\\.pem"));
        assertThat(items(volumes.get("ca-cert"))).containsExactly("ca.cert.pem");

        Map<String, Object> broker = container(sts, "broker");
        assertThat(mountNames(broker)).doesNotContain("all-private-keys").contains("own-key", "public-keys", "ca-cert");
        Map<String, Object> init = map(list(pod.get("initContainers")).get(0));
        assertThat(mountNames(init)).contains("all-private-keys", "own-key");
        assertThat(list(init.get("args"))).containsSubsequence("own-key", "--from").contains("$(POD_NAME)");
        assertThat(args(broker).get("fitmon.broker.keys.private-key-file"))
                .startsWith(mountPath(broker, "own-key") + "/");
        assertThat(at(volumes.get("own-key"), "emptyDir", "medium")).isEqualTo("Memory");
    }

    @Test
    void brokers_have_a_memory_limit_and_a_collector_that_pauses_briefly() {
        Map<String, Object> broker = container(render(1).one("StatefulSet", "fitmon-broker"), "broker");
        assertThat(at(broker, "resources", "limits", "memory")).isEqualTo("1536Mi");
        Map<String, String> env = new LinkedHashMap<>();
        list(broker.get("env")).forEach(e -> env.put((String) map(e).get("name"), (String) map(e).get("value")));
        assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-XX:+UseG1GC");
    }

    @ParameterizedTest(name = "f = {0}")
    @ValueSource(ints = {1, 3})
    void every_fitmon_container_is_probed_and_runs_unprivileged_on_a_read_only_root(int f) {
        Rendered chart = render(f);
        List<Map<String, Object>> workloads = new ArrayList<>(chart.all("Deployment"));
        workloads.add(chart.one("StatefulSet", "fitmon-broker"));
        assertThat(workloads).extracting(HelmChartTest::name)
                .contains("fitmon-registry", "fitmon-gateway", "fitmon-console-web", "fitmon-broker");
        for (Map<String, Object> workload : workloads) {
            Map<String, Object> pod = map(at(workload, "spec", "template", "spec"));
            assertThat(at(pod, "securityContext", "runAsNonRoot")).as(name(workload)).isEqualTo(true);
            assertThat(pod.get("automountServiceAccountToken")).as(name(workload)).isEqualTo(false);
            List<Object> containers = new ArrayList<>(list(pod.get("containers")));
            if (pod.get("initContainers") != null) {
                containers.addAll(list(pod.get("initContainers")));
            }
            for (Object c : containers) {
                Map<String, Object> container = map(c);
                String what = name(workload) + "/" + container.get("name");
                assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).as(what).isEqualTo(false);
                assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).as(what).isEqualTo(true);
                assertThat(list(at(container, "securityContext", "capabilities", "drop"))).as(what).containsExactly("ALL");
                assertThat(mountPath(container, "tmp")).as(what + " writable /tmp").isEqualTo("/tmp");
            }
            Map<String, Object> main = map(list(pod.get("containers")).get(0));
            String what = name(workload);
            assertThat(at(main, "livenessProbe", "httpGet", "path")).as(what).isEqualTo("/actuator/health/liveness");
            assertThat(at(main, "readinessProbe", "httpGet", "path")).as(what).isEqualTo("/actuator/health/readiness");
            assertThat(at(main, "startupProbe", "httpGet", "path")).as(what).isEqualTo("/actuator/health/liveness");
            assertThat(at(main, "readinessProbe", "httpGet", "port")).as(what).isEqualTo("http");
            containerPort(main, "http");
        }
    }

    @Test
    void the_database_is_bundled_by_default_or_external_on_request() {
        Rendered bundled = render(1);
        Map<String, String> registry = args(container(bundled.one("Deployment", "fitmon-registry"), "registry"));
        assertThat(registry.get("spring.datasource.url")).isEqualTo("jdbc:postgresql://fitmon-postgresql:5432/fitmon");
        bundled.one("StatefulSet", "fitmon-postgresql");
        bundled.one("Service", "fitmon-postgresql");

        Rendered external = new Rendered(template(1).set("postgresql.enabled", "false")
                .set("postgresql.external.url", "jdbc:postgresql://db.internal:5432/mon").call());
        assertThat(args(container(external.one("Deployment", "fitmon-registry"), "registry")).get("spring.datasource.url"))
                .isEqualTo("jdbc:postgresql://db.internal:5432/mon");
        assertThat(external.all("StatefulSet")).extracting(HelmChartTest::name).containsExactly("fitmon-broker");
        assertThatThrownBy(() -> template(1).set("postgresql.enabled", "false").call())
                .hasMessageContaining("postgresql.external.url is required");
    }

    @Test
    void secrets_are_referenced_by_name_and_made_by_the_chart_only_from_given_content() {
        Rendered plain = render(1);
        assertThat(plain.all("Secret")).isEmpty();

        Rendered given = new Rendered(template(1).set("secrets.ca.files.ca\\.cert\\.pem", "CERT")
                .set("secrets.ca.files.ca\\.key\\.pem", "KEY").set("secrets.ca.existingSecret", "").call());
        Map<String, Object> ca = given.one("Secret", "fitmon-ca");
        assertThat(map(ca.get("data"))).containsOnlyKeys("ca.cert.pem", "ca.key.pem")
                .containsEntry("ca.cert.pem", "Q0VSVA==");

        Rendered existing = new Rendered(template(1).set("secrets.replicaKeys.existingSecret", "my-replica-keys").call());
        Object secretName = at(existing.one("StatefulSet", "fitmon-broker"), "spec", "template", "spec", "volumes");
        assertThat(list(secretName)).anySatisfy(v -> assertThat(at(v, "secret", "secretName")).isEqualTo("my-replica-keys"));
    }

    @Test
    void f_below_one_is_refused() {
        assertThatThrownBy(() -> template(0).call()).hasMessageContaining("f must be at least 1");
    }

    // ---------------------------------------------------------------------------------------

    @Test
    void noReplicaIsEverStartedInLabMode() {
        for (int f = 1; f <= 2; f++) {
            assertThat(template(f).call()).doesNotContain("fitmon.broker.lab").doesNotContain("FITMON_BROKER_LAB");
        }
    }

    private static TemplateCommand template(int f) {
        return new Helm(CHART).template().withName("fitmon").withNamespace(NAMESPACE).withKubeVersion("1.30.0")
                .set("f", String.valueOf(f));
    }

    private static Rendered render(int f) {
        return new Rendered(template(f).call());
    }

    /** The objects helm printed, by kind and name. */
    private record Rendered(List<Map<String, Object>> objects) {

        Rendered(String yaml) {
            this(Repo.documents(yaml));
        }

        List<Map<String, Object>> all(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        Map<String, Object> one(String kind, String name) {
            List<Map<String, Object>> found = all(kind).stream().filter(o -> name.equals(name(o))).toList();
            assertThat(found).as(kind + " " + name).hasSize(1);
            return found.get(0);
        }
    }

    private static String name(Map<String, Object> object) {
        return (String) at(object, "metadata", "name");
    }

    private static Map<String, Object> container(Map<String, Object> workload, String name) {
        return list(at(workload, "spec", "template", "spec", "containers")).stream().map(Repo::map)
                .filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in " + name(workload)));
    }

    private static Map<String, String> args(Map<String, Object> container) {
        Map<String, String> args = new LinkedHashMap<>();
        for (Object arg : list(container.get("args"))) {
            String text = arg.toString();
            if (text.startsWith("--") && text.contains("=")) {
                args.put(text.substring(2, text.indexOf('=')), text.substring(text.indexOf('=') + 1));
            }
        }
        return args;
    }

    private static int containerPort(Map<String, Object> container, String name) {
        return list(container.get("ports")).stream().map(Repo::map).filter(p -> name.equals(p.get("name")))
                .map(p -> ((Number) p.get("containerPort")).intValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no port " + name + " on " + container.get("name")));
    }

    private static Map<String, Object> selector(Object labels) {
        return new LinkedHashMap<>(map(labels));
    }

    private static List<String> items(Map<String, Object> volume) {
        return list(at(volume, "secret", "items")).stream().map(i -> (String) map(i).get("key")).toList();
    }

    private static List<String> mountNames(Map<String, Object> container) {
        return list(container.get("volumeMounts")).stream().map(m -> (String) map(m).get("name")).toList();
    }

    private static String mountPath(Map<String, Object> container, String volume) {
        return list(container.get("volumeMounts")).stream().map(Repo::map).filter(m -> volume.equals(m.get("name")))
                .map(m -> (String) m.get("mountPath")).findFirst().orElse(null);
    }
}
