package fitmon.deploy;

import static fitmon.deploy.Repo.at;
import static fitmon.deploy.Repo.list;
import static fitmon.deploy.Repo.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The image tarballs of the {@code images} profile, looked into: tag, user, entrypoint, ports, the
 * runtime and the health probe. Skipped when the tarballs were not built, unless
 * {@code -Dfitmon.images.required=true} (as {@code .ci/run} passes after building them).
 */
class ImageTarballTest {

    private static final String VERSION = "0.1.0-SNAPSHOT";

    @Test
    void each_service_pom_builds_the_image_the_compose_file_and_chart_name() throws Exception {
        for (Map.Entry<String, String> module : Images.NAMES.entrySet()) {
            Path pom = Repo.root().resolve(module.getKey()).resolve("pom.xml");
            if (!Files.isRegularFile(pom)) {
                continue; // a module not in this checkout
            }
            Element profile = imagesProfile(pom);
            assertThat(profile).as(module.getKey() + " has a profile 'images'").isNotNull();
            String image = text(profile, "to", "image");
            assertThat(image).as(module.getKey()).isEqualTo(module.getValue() + ":${project.version}");
            if (Images.inChart(module.getKey())) {
                assertThat(Repo.yamlFile(Repo.root().resolve("helm/fitmon/values.yaml")).toString())
                        .contains("image=" + module.getValue());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker-service", "registry-service", "gateway", "console-web", "client"})
    void the_tarball_holds_a_non_root_image_of_the_service(String module) throws Exception {
        Path tarball = Repo.root().resolve(module).resolve("target/jib-image.tar");
        assumeTrue(Files.isRegularFile(Repo.root().resolve(module).resolve("pom.xml")), module + " is not in this checkout");
        if (Boolean.getBoolean("fitmon.images.required")) {
            assertThat(tarball).as("built by -Pimages").isRegularFile();
        }
        assumeTrue(Files.isRegularFile(tarball), "no image tarball; build with -Pimages");

        Map<String, byte[]> outer;
        try (InputStream in = Files.newInputStream(tarball)) {
            outer = Tar.read(in, name -> name.endsWith(".json"));
        }
        Map<String, Object> manifest = map(list(yaml(outer.get("manifest.json"))).get(0));
        assertThat(list(manifest.get("RepoTags"))).contains(Images.NAMES.get(module) + ":" + VERSION);
        List<Object> layers = list(manifest.get("Layers"));
        assertThat(outer.keySet()).containsAll(layers.stream().map(Object::toString).toList());

        Map<String, Object> config = map(yaml(outer.get((String) manifest.get("Config"))));
        assertThat(at(config, "config", "User")).isEqualTo("65532:65532");
        assertThat(at(config, "architecture")).isEqualTo("amd64");
        List<Object> entrypoint = list(at(config, "config", "Entrypoint"));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).containsSubsequence("-cp", "@/app/jib-classpath-file");
        String mainClass = text(imagesProfile(Repo.root().resolve(module).resolve("pom.xml")), "container", "mainClass");
        assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo(mainClass);
        if (!module.equals("client")) {
            int port = module.equals("console-web") ? 8080 : Repo.serverPort(module);
            assertThat(map(at(config, "config", "ExposedPorts"))).containsKey(port + "/tcp");
        }
        assertThat(at(config, "config", "WorkingDir")).isEqualTo("/var/lib/fitmon/data");

        Set<String> files = new HashSet<>();
        for (Object layer : layers) {
            try (InputStream in = Files.newInputStream(tarball)) {
                byte[] compressed = Tar.read(in, layer.toString()::equals).get(layer.toString());
                files.addAll(Tar.read(new GZIPInputStream(new ByteArrayInputStream(compressed)), n -> false).keySet());
            }
        }
        assertThat(files).contains("opt/java/bin/java", "etc/passwd", "opt/fitmon/health/fitmon/health/HealthProbe.class",
                "app/jib-classpath-file");
        assertThat(files).anyMatch(f -> f.startsWith("app/classes/" + mainClass.replace('.', '/').replaceAll("/[^/]+$", "")));
        if (module.equals("broker-service")) {
            assertThat(files).contains("app/classes/fitmon/broker/keygen/ReplicaKeyGen.class");
            assertThat(map(at(config, "config", "ExposedPorts"))).containsKeys("11000/tcp", "11001/tcp");
        }
    }

    private static Object yaml(byte[] json) {
        return new org.yaml.snakeyaml.Yaml().load(new String(json, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Element imagesProfile(Path pom) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList profiles = document.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if ("images".equals(text(profile, "id"))) {
                return profile;
            }
        }
        return null;
    }

    private static String text(Element parent, String... path) {
        Element current = parent;
        for (String step : path) {
            NodeList found = current.getElementsByTagName(step);
            if (found.getLength() == 0) {
                return null;
            }
            current = (Element) found.item(0);
        }
        return current.getTextContent().trim();
    }
}
