package fitmon.deploy;

import static fitmon.deploy.Repo.at;
import static fitmon.deploy.Repo.list;
import static fitmon.deploy.Repo.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker-compose.yml against the modules it runs: names, ports, volumes, keys and start order. */
class ComposeFileTest {

    private static final int F = 1;
    private static final int N = 3 * F + 1;

    /** The gateway's HTTPS port in the compose file (the application's default port is plain). */
    private static final int GATEWAY_HTTPS = 8443;

    private static Map<String, Object> services;
    private static Map<String, Object> volumes;

    @BeforeAll
    static void load() {
        Map<String, Object> compose = Repo.yamlFile(Repo.root().resolve("docker-compose.yml"));
        services = map(compose.get("services"));
        volumes = map(compose.get("volumes"));
    }

    @Test
    void every_part_of_the_system_is_there_with_its_image() {
        assertThat(services).containsKeys("keygen", "broker-0", "broker-1", "broker-2", "broker-3", "postgres", "registry",
                "gateway", "console-web", "demo-setup", "demo-probe");
        assertThat(brokers()).hasSize(N);
        Map<String, String> expected = new LinkedHashMap<>(Images.NAMES);
        for (String broker : brokers()) {
            assertThat(image(broker)).isEqualTo(expected.get("broker-service"));
        }
        assertThat(image("keygen")).isEqualTo(expected.get("broker-service"));
        assertThat(image("registry")).isEqualTo(expected.get("registry-service"));
        assertThat(image("gateway")).isEqualTo(expected.get("gateway"));
        assertThat(image("console-web")).isEqualTo(expected.get("console-web"));
        assertThat(image("demo-probe")).isEqualTo(expected.get("client"));
        assertThat(list(at(services, "demo-probe", "command")).get(0)).isEqualTo("demo-probe");
    }

    @Test
    void the_demo_probe_is_set_up_once_with_the_admin_key_and_publishes_without_it() {
        picocli.CommandLine.ParseResult setup = demoCommand("demo-setup");
        assertThat(setup.hasMatchedOption("--setup-only")).isTrue();
        assertThat(setup.matchedOptionValue("--gateway", "").toString()).isEqualTo("https://gateway:" + GATEWAY_HTTPS);
        assertThat(mountOf("demo-setup", setup.matchedOptionValue("--ca-file", null).toString())).isEqualTo("ca");
        String keyFile = setup.matchedOptionValue("--key-file", null).toString();
        String directory = setup.matchedOptionValue("--dir", null).toString();
        List<String> setupVolumes = shortVolumes("demo-setup");
        assertThat(setupVolumes).anyMatch(v -> keyFile.startsWith(v.split(":")[1] + "/"));
        assertThat(setupVolumes).anyMatch(v -> !v.endsWith(":ro") && directory.startsWith(v.split(":")[1] + "/"));
        assertThat(at(services, "demo-setup", "restart")).isEqualTo("no");

        picocli.CommandLine.ParseResult probe = demoCommand("demo-probe");
        assertThat(probe.hasMatchedOption("--publish-only")).isTrue();
        assertThat(probe.hasMatchedOption("--key-file")).as("the long-running probe holds no admin key").isFalse();
        assertThat(probe.matchedOptionValue("--dir", null).toString()).isEqualTo(directory);
        assertThat(probe.matchedOptionValue("--gateway", "").toString()).isEqualTo("https://gateway:" + GATEWAY_HTTPS);
        assertThat(mountOf("demo-probe", probe.matchedOptionValue("--ca-file", null).toString())).isEqualTo("ca");
        List<String> probeVolumes = shortVolumes("demo-probe");
        assertThat(probeVolumes).as("nor mounts the volume holding it").noneMatch(v -> keyFile.startsWith(v.split(":")[1] + "/"));
        assertThat(probeVolumes).anyMatch(v -> directory.startsWith(v.split(":")[1] + "/"));
        assertThat(at(services, "demo-probe", "depends_on", "demo-setup", "condition"))
                .isEqualTo("service_completed_successfully");
    }

    @Test
    void noReplicaIsEverStartedInLabMode() throws java.io.IOException {
        String compose = java.nio.file.Files.readString(Repo.root().resolve("docker-compose.yml"));
        assertThat(compose).doesNotContain("fitmon.broker.lab").doesNotContain("FITMON_BROKER_LAB");
    }

    /** A demo service's command as the fitmon command parses it. */
    private static picocli.CommandLine.ParseResult demoCommand(String service) {
        List<String> command = list(at(services, service, "command")).stream().map(Object::toString).toList();
        picocli.CommandLine commandLine = fitmon.client.cli.FitmonCommand.commandLine(Map.of(), System.in,
                new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter()));
        picocli.CommandLine.ParseResult demo = commandLine.parseArgs(command.toArray(String[]::new)).subcommand();
        assertThat(demo.commandSpec().name()).isEqualTo("demo-probe");
        return demo;
    }

    @Test
    void brokers_have_a_memory_limit_and_a_collector_that_pauses_briefly() {
        for (String broker : brokers()) {
            assertThat(at(services, broker, "mem_limit")).as(broker).isEqualTo("1536m");
            assertThat((String) at(services, broker, "environment", "JAVA_TOOL_OPTIONS")).as(broker).contains("-XX:+UseG1GC");
        }
    }

    @Test
    void brokers_publish_their_http_port_and_each_has_a_volume_of_its_own() {
        int brokerPort = Repo.serverPort("broker-service");
        Set<String> hostPorts = new HashSet<>();
        Set<String> dataVolumes = new HashSet<>();
        for (String broker : brokers()) {
            List<Object> ports = list(at(services, broker, "ports"));
            assertThat(ports).hasSize(1);
            String[] mapping = ports.get(0).toString().split(":");
            assertThat(Integer.parseInt(mapping[1])).as(broker + " container port").isEqualTo(brokerPort);
            assertThat(hostPorts.add(mapping[0])).as(broker + " host port " + mapping[0] + " unique").isTrue();

            String data = mounts(broker).get("/var/lib/fitmon/data");
            assertThat(data).as(broker + " data volume").isNotNull();
            assertThat(volumes).containsKey(data);
            assertThat(dataVolumes.add(data)).as(broker + " shares its volume " + data).isTrue();
        }
    }

    @Test
    void each_broker_keeps_its_state_in_the_named_volume_mounted_at_its_data_dir_and_shares_it_with_no_one() {
        Map<String, String> owners = new LinkedHashMap<>();
        for (String broker : brokers()) {
            String dataDir = args(broker).get("fitmon.broker.data-dir");
            assertThat(dataDir).as(broker + " --fitmon.broker.data-dir").isNotBlank();
            List<Map<String, Object>> atDataDir = volumeMounts(broker).stream()
                    .filter(m -> dataDir.equals(m.get("target"))).toList();
            assertThat(atDataDir).as(broker + " mounts at " + dataDir).hasSize(1);
            Map<String, Object> mount = atDataDir.get(0);
            assertThat(mount.get("type")).as(broker + " data mount type").isEqualTo("volume");
            assertThat(mount.get("read_only")).as(broker + " data mount writable").isNotEqualTo(true);
            assertThat(at(mount, "volume", "subpath")).as(broker + " data mount is a whole volume").isNull();
            String volume = (String) mount.get("source");
            assertThat(volumes).as(broker + " data volume is a named volume").containsKey(volume);
            assertThat(owners.put(volume, broker)).as(broker + " data volume " + volume + " already used by a broker").isNull();
        }
        assertThat(owners).hasSize(N);
        for (String service : services.keySet()) {
            for (Map<String, Object> mount : volumeMounts(service)) {
                String owner = owners.get((String) mount.get("source"));
                assertThat(owner == null || owner.equals(service))
                        .as(service + " mounts " + mount.get("source") + ", the data volume of " + owner).isTrue();
            }
        }
    }

    @Test
    void replicas_agree_on_the_group_and_each_knows_its_own_id() {
        List<String> peers = null;
        for (int id = 0; id < N; id++) {
            String broker = "broker-" + id;
            Map<String, String> args = args(broker);
            assertThat(args.get("fitmon.broker.replica-id")).isEqualTo(String.valueOf(id));
            assertThat(args.get("fitmon.broker.f")).isEqualTo(String.valueOf(F));
            List<String> mine = List.of(args.get("fitmon.broker.peers").split(","));
            if (peers == null) {
                peers = mine;
            }
            assertThat(mine).as(broker + " peers").isEqualTo(peers);
        }
        assertThat(peers).hasSize(N);
        for (int id = 0; id < N; id++) {
            String[] hostPort = peers.get(id).split(":");
            assertThat(hostPort[0]).as("peer " + id + " is the service broker-" + id).isEqualTo("broker-" + id);
            int port = Integer.parseInt(hostPort[1]);
            assertThat(port).isBetween(1024, 65534);
            assertThat(port).as("peer port differs from the HTTP port").isNotEqualTo(Repo.serverPort("broker-service"));
        }
    }

    @Test
    void each_replica_mounts_only_its_own_private_key_and_every_public_key_in_id_order() {
        for (int id = 0; id < N; id++) {
            String broker = "broker-" + id;
            Map<String, String> args = args(broker);
            List<Map<String, Object>> keyMounts = volumeMounts(broker).stream()
                    .filter(m -> "keys".equals(m.get("source"))).toList();
            Set<String> subpaths = keyMounts.stream().map(m -> String.valueOf(at(m, "volume", "subpath")))
                    .collect(Collectors.toSet());
            assertThat(subpaths).as(broker + " key mounts").containsExactlyInAnyOrder("replica-" + id, "public", "ca");
            assertThat(keyMounts).allSatisfy(m -> assertThat(m.get("read_only")).isEqualTo(true));

            String privateKey = args.get("fitmon.broker.keys.private-key-file");
            assertThat(mountOf(broker, privateKey)).as(privateKey).isEqualTo("replica-" + id);
            List<String> publicKeys = List.of(args.get("fitmon.broker.keys.public-key-files").split(","));
            assertThat(publicKeys).hasSize(N);
            for (int other = 0; other < N; other++) {
                assertThat(publicKeys.get(other)).endsWith("/replica-" + other + ".pub.pem");
                assertThat(mountOf(broker, publicKeys.get(other))).isEqualTo("public");
            }
            assertThat(mountOf(broker, args.get("fitmon.broker.ca-public-key-file"))).isEqualTo("ca");
            assertThat(args.get("fitmon.broker.delivery.jwks-url"))
                    .isEqualTo("http://registry:" + Repo.serverPort("registry-service") + "/api/v1/tokens/jwks.json");
        }
    }

    @Test
    void every_replica_link_is_mutual_tls_on_the_replicas_own_link_certificate() {
        assertThat(list(at(services, "keygen", "command"))).contains("--link-certs");
        for (int id = 0; id < N; id++) {
            String broker = "broker-" + id;
            Map<String, String> args = args(broker);
            assertThat(args.get("fitmon.broker.links.cert-file")).as(broker).endsWith("/link.cert.pem");
            assertThat(args.get("fitmon.broker.links.key-file")).as(broker).endsWith("/link.key.pem");
            assertThat(mountOf(broker, args.get("fitmon.broker.links.cert-file"))).isEqualTo("replica-" + id);
            assertThat(mountOf(broker, args.get("fitmon.broker.links.key-file"))).isEqualTo("replica-" + id);
            // the relays' ports stay inside the compose network; only HTTP is published
            assertThat(list(at(services, broker, "ports")).toString()).doesNotContain("11000").doesNotContain("11001");
        }
        assertThat(args("gateway").get("fitmon.gateway.cluster.link-tls")).isEqualTo("true");
    }

    @Test
    void keygen_writes_what_the_services_mount_before_any_of_them_starts() {
        List<Object> command = list(at(services, "keygen", "command"));
        assertThat(command).containsSubsequence("--replicas", String.valueOf(N));
        assertThat(command).contains("--ca", "--registry-secrets", "--db-password");
        assertThat(list(at(services, "keygen", "entrypoint"))).contains("fitmon.broker.keygen.ReplicaKeyGen");
        for (String service : services.keySet()) {
            if (service.equals("keygen")) {
                continue;
            }
            boolean usesKeys = volumeMounts(service).stream().anyMatch(m -> "keys".equals(m.get("source")));
            if (usesKeys) {
                assertThat(at(services, service, "depends_on", "keygen", "condition")).as(service)
                        .isEqualTo("service_completed_successfully");
            }
        }
    }

    @Test
    void every_file_a_service_is_told_to_read_comes_from_a_mounted_volume_not_the_image() {
        for (String service : services.keySet()) {
            for (Map.Entry<String, String> arg : args(service).entrySet()) {
                if (arg.getValue().startsWith("file:")) {
                    String file = arg.getValue().substring("file:".length());
                    assertThat(mountTargets(service)).as(service + " " + arg.getKey() + "=" + file)
                            .anyMatch(target -> file.startsWith(target + "/"));
                }
                if (arg.getKey().endsWith("-file") || arg.getKey().endsWith("-files")) {
                    for (String file : arg.getValue().split(",")) {
                        assertThat(mountTargets(service)).as(service + " " + arg.getKey() + "=" + file)
                                .anyMatch(target -> file.startsWith(target + "/"));
                    }
                }
            }
        }
    }

    @Test
    void the_gateway_orders_through_the_same_group_and_reads_from_every_replica() {
        Map<String, String> gateway = args("gateway");
        int brokerPort = Repo.serverPort("broker-service");
        assertThat(gateway.get("fitmon.gateway.cluster.peers")).isEqualTo(args("broker-0").get("fitmon.broker.peers"));
        assertThat(gateway.get("fitmon.gateway.cluster.f")).isEqualTo(String.valueOf(F));
        List<String> expectedUrls = IntStream.range(0, N).mapToObj(i -> "http://broker-" + i + ":" + brokerPort).toList();
        assertThat(List.of(gateway.get("fitmon.gateway.cluster.replica-urls").split(","))).isEqualTo(expectedUrls);
        assertThat(gateway.get("fitmon.gateway.registry.url"))
                .isEqualTo("http://registry:" + Repo.serverPort("registry-service"));
        assertThat(list(at(services, "gateway", "ports"))).containsExactly(GATEWAY_HTTPS + ":" + GATEWAY_HTTPS);
        assertThat(map(at(services, "gateway", "depends_on"))).containsKeys("registry", "broker-0", "broker-1", "broker-2",
                "broker-3");
        assertThat(mountOf("gateway", gateway.get("fitmon.gateway.registry.service-token-file"))).isEqualTo("gateway");
    }

    @Test
    void the_gateway_serves_https_on_a_server_certificate_of_the_ca_and_its_clients_check_it_against_the_ca() {
        List<Object> keygen = list(at(services, "keygen", "command"));
        assertThat(keygen).contains("--gateway-https");
        assertThat(keygen.get(keygen.indexOf("--gateway-hosts") + 1).toString().split(",")).contains("gateway", "localhost");
        Map<String, String> gateway = args("gateway");
        assertThat(gateway.get("server.port")).isEqualTo(String.valueOf(GATEWAY_HTTPS));
        String bundle = gateway.get("server.ssl.bundle");
        assertThat(bundle).isNotBlank();
        String prefix = "spring.ssl.bundle.pem." + bundle + ".";
        assertThat(mountOf("gateway", file(gateway.get(prefix + "keystore.certificate")))).isEqualTo("gateway");
        assertThat(file(gateway.get(prefix + "keystore.certificate"))).endsWith("/https.cert.pem");
        assertThat(mountOf("gateway", file(gateway.get(prefix + "keystore.private-key")))).isEqualTo("gateway");
        assertThat(gateway.get(prefix + "reload-on-update")).isEqualTo("true");
        assertThat(gateway).doesNotContainKey("fitmon.gateway.plain-http.port");

        Map<String, String> console = args("console-web");
        assertThat(console.get("fitmon.console.gateway-url")).isEqualTo("https://gateway:" + GATEWAY_HTTPS);
        String trust = console.get("fitmon.console.gateway-ssl-bundle");
        String caFile = file(console.get("spring.ssl.bundle.pem." + trust + ".truststore.certificate"));
        assertThat(mountOf("console-web", caFile)).isEqualTo("ca");
        assertThat(caFile).endsWith("/ca.cert.pem");

        assertThat(at(services, "gateway", "read_only")).isEqualTo(true);
        assertThat(list(at(services, "gateway", "cap_drop"))).containsExactly("ALL");
        List<Object> health = list(at(services, "gateway", "healthcheck", "test"));
        assertThat(health.get(health.size() - 2)).isEqualTo("https://localhost:" + GATEWAY_HTTPS + "/actuator/health/readiness");
        assertThat(mountOf("gateway", health.get(health.size() - 1).toString())).isEqualTo("ca");
    }

    private static String file(String springResource) {
        assertThat(springResource).startsWith("file:");
        return springResource.substring("file:".length());
    }

    @Test
    void the_registry_keeps_its_state_in_postgresql_and_its_secrets_in_mounts() {
        Map<String, String> registry = args("registry");
        assertThat(registry.get("spring.datasource.url"))
                .isEqualTo("jdbc:postgresql://postgres:5432/" + at(services, "postgres", "environment", "POSTGRES_DB"));
        assertThat(registry.get("spring.datasource.username")).isEqualTo(at(services, "postgres", "environment", "POSTGRES_USER"));
        assertThat(at(services, "registry", "depends_on", "postgres", "condition")).isEqualTo("service_healthy");
        assertThat(list(at(services, "registry", "ports"))).containsExactly(
                Repo.serverPort("registry-service") + ":" + Repo.serverPort("registry-service"));
        assertThat(mounts("registry").get(registry.get("fitmon.registry.data-dir"))).isEqualTo("registry-data");
        assertThat(mountOf("registry", registry.get("fitmon.registry.master-key-file"))).isEqualTo("registry");
        assertThat(mountOf("registry", registry.get("fitmon.registry.ca.key-file"))).isEqualTo("registry");
        assertThat(at(services, "postgres", "environment", "POSTGRES_PASSWORD")).as("no password in the file").isNull();
        assertThat(mountOf("postgres", (String) at(services, "postgres", "environment", "POSTGRES_PASSWORD_FILE")))
                .isEqualTo("db");
    }

    @Test
    void console_and_demo_probe_start_after_the_gateway_and_the_console_is_on_8080() {
        assertThat(list(at(services, "console-web", "ports"))).containsExactly("8080:8080");
        assertThat(at(services, "console-web", "depends_on", "gateway", "condition")).isEqualTo("service_healthy");
        assertThat(at(services, "demo-setup", "depends_on", "gateway", "condition")).isEqualTo("service_healthy");
    }

    @Test
    void fitmon_services_run_hardened_and_check_their_own_health_port() {
        Map<String, Integer> ports = Map.of("registry", Repo.serverPort("registry-service"), "console-web", 8080);
        Map<String, Integer> expected = new LinkedHashMap<>(ports);
        for (String broker : brokers()) {
            expected.put(broker, Repo.serverPort("broker-service"));
        }
        for (Map.Entry<String, Integer> service : expected.entrySet()) {
            String name = service.getKey();
            assertThat(at(services, name, "read_only")).as(name).isEqualTo(true);
            assertThat(list(at(services, name, "cap_drop"))).as(name).containsExactly("ALL");
            assertThat(list(at(services, name, "security_opt"))).as(name).contains("no-new-privileges:true");
            List<Object> test = list(at(services, name, "healthcheck", "test"));
            assertThat(test.get(0)).isEqualTo("CMD");
            // brokers: liveness, since their readiness needs the gateway that waits for them
            String probe = brokers().contains(name) ? "liveness" : "readiness";
            assertThat(test.get(test.size() - 1))
                    .isEqualTo("http://127.0.0.1:" + service.getValue() + "/actuator/health/" + probe);
        }
        assertThat(list(at(services, "postgres", "healthcheck", "test"))).contains("pg_isready");
    }

    @Test
    void depends_on_and_volumes_name_things_that_exist() {
        for (String service : services.keySet()) {
            Object dependsOn = at(services, service, "depends_on");
            if (dependsOn != null) {
                assertThat(services).as(service + " depends_on").containsKeys(map(dependsOn).keySet().toArray(String[]::new));
            }
            for (Map<String, Object> mount : volumeMounts(service)) {
                assertThat(volumes).as(service + " volume").containsKey((String) mount.get("source"));
            }
        }
    }

    private static List<String> brokers() {
        return services.keySet().stream().filter(s -> s.startsWith("broker-")).sorted().toList();
    }

    private static String image(String service) {
        String image = (String) at(services, service, "image");
        return image.substring(0, image.indexOf(':'));
    }

    /** {@code --name=value} arguments of a service's command. */
    private static Map<String, String> args(String service) {
        Map<String, String> args = new LinkedHashMap<>();
        Object command = at(services, service, "command");
        if (command == null) {
            return args;
        }
        for (Object arg : list(command)) {
            String text = arg.toString();
            if (text.startsWith("--") && text.contains("=")) {
                args.put(text.substring(2, text.indexOf('=')), text.substring(text.indexOf('=') + 1));
            }
        }
        return args;
    }

    /** Volume mounts in long form (short {@code source:target[:ro]} strings are converted). */
    private static List<Map<String, Object>> volumeMounts(String service) {
        List<Map<String, Object>> result = new ArrayList<>();
        Object declared = at(services, service, "volumes");
        if (declared == null) {
            return result;
        }
        for (Object mount : list(declared)) {
            if (mount instanceof String text) {
                String[] parts = text.split(":");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "volume");
                m.put("source", parts[0]);
                m.put("target", parts[1]);
                m.put("read_only", parts.length > 2 && parts[2].equals("ro"));
                result.add(m);
            } else {
                result.add(map(mount));
            }
        }
        return result;
    }

    /** Volumes in the short form {@code source:target[:ro]}. */
    private static List<String> shortVolumes(String service) {
        return list(at(services, service, "volumes")).stream().filter(String.class::isInstance).map(Object::toString).toList();
    }

    private static Map<String, String> mounts(String service) {
        Map<String, String> byTarget = new LinkedHashMap<>();
        for (Map<String, Object> mount : volumeMounts(service)) {
            byTarget.put((String) mount.get("target"), (String) mount.get("source"));
        }
        return byTarget;
    }

    private static List<String> mountTargets(String service) {
        List<String> targets = new ArrayList<>(mounts(service).keySet());
        Object tmpfs = at(services, service, "tmpfs");
        if (tmpfs != null) {
            list(tmpfs).forEach(t -> targets.add(t.toString()));
        }
        return targets;
    }

    /** The sub-directory of the keys volume a file is read from, or the volume name for a whole mount. */
    private static String mountOf(String service, String file) {
        for (Map<String, Object> mount : volumeMounts(service)) {
            if (file.startsWith(mount.get("target") + "/")) {
                Object subpath = at(mount, "volume", "subpath");
                return subpath != null ? subpath.toString() : (String) mount.get("source");
            }
        }
        throw new AssertionError(service + " reads " + file + " from no mount");
    }
}
