package io.k8j.proxy.iptables;

import static io.k8j.proxy.testing.Services.service;
import static io.k8j.proxy.testing.Services.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.k8j.proxy.model.Endpoint;
import io.k8j.proxy.model.ProxyState;
import io.k8j.proxy.model.ProxyStateBuilder;
import io.k8j.proxy.model.ServicePortName;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Services and EndpointSlices in, {@code iptables-restore} text out. Expected texts name chains as
 * {@code {SVC ns/name:port/PROTO}}, {@code {SEP ns/name:port/PROTO ip:port}} and so on; the names
 * themselves are checked against upstream's in {@link ChainNamesTest}.
 */
class IptablesRulesTest {
  static final String NODE = "node-a";
  static final IptablesConfig CFG = IptablesConfig.defaults("10.244.0.0/16");

  record Case(
      String name,
      List<Service> services,
      List<EndpointSlice> slices,
      String filterRules,
      String natChains,
      String natRules) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "cluster IP with one ready endpoint",
            List.of(service("ns1/svc1").clusterIp("172.30.0.41").port("p80", 80, "TCP").build()),
            List.of(
                slice("ns1/svc1-abc", "svc1")
                    .port("p80", 80, "TCP")
                    .ready("10.180.0.1", "node-b")
                    .build()),
            "",
            """
            :KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
            :KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
            """,
            """
            -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
            -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
            -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
            -A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
            -A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
            """),
        new Case(
            "no endpoints: cluster IP and node port rejected",
            List.of(
                service("ns1/svc1")
                    .type("NodePort")
                    .clusterIp("172.30.0.41")
                    .port("p80", 80, "TCP", 30080)
                    .build()),
            List.of(),
            """
            -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j REJECT
            -A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT
            """,
            "",
            ""),
        new Case(
            "node port, two ready endpoints split half and half, a not-ready one skipped",
            List.of(
                service("ns2/svc2")
                    .type("NodePort")
                    .clusterIp("172.30.0.42")
                    .port("", 80, "TCP", 30080)
                    .build()),
            List.of(
                slice("ns2/svc2-1", "svc2")
                    .port("", 8080, "TCP")
                    .ready("10.180.0.3", "node-b")
                    .endpoint("10.180.0.4", "node-b", false, false, false)
                    .build(),
                slice("ns2/svc2-2", "svc2")
                    .port("", 8080, "TCP")
                    .ready("10.180.0.2", NODE)
                    .build()),
            "",
            """
            :{EXT ns2/svc2/TCP} - [0:0]
            :{SVC ns2/svc2/TCP} - [0:0]
            :{SEP ns2/svc2/TCP 10.180.0.2:8080} - [0:0]
            :{SEP ns2/svc2/TCP 10.180.0.3:8080} - [0:0]
            """,
            """
            -A KUBE-SERVICES -m comment --comment "ns2/svc2 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j {SVC ns2/svc2/TCP}
            -A KUBE-NODEPORTS -m comment --comment ns2/svc2 -m tcp -p tcp --dport 30080 -j {EXT ns2/svc2/TCP}
            -A {SVC ns2/svc2/TCP} -m comment --comment "ns2/svc2 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
            -A {EXT ns2/svc2/TCP} -m comment --comment "masquerade traffic for ns2/svc2 external destinations" -j KUBE-MARK-MASQ
            -A {EXT ns2/svc2/TCP} -j {SVC ns2/svc2/TCP}
            -A {SVC ns2/svc2/TCP} -m comment --comment "ns2/svc2 -> 10.180.0.2:8080" -m statistic --mode random --probability 0.5000000000 -j {SEP ns2/svc2/TCP 10.180.0.2:8080}
            -A {SVC ns2/svc2/TCP} -m comment --comment "ns2/svc2 -> 10.180.0.3:8080" -j {SEP ns2/svc2/TCP 10.180.0.3:8080}
            -A {SEP ns2/svc2/TCP 10.180.0.2:8080} -m comment --comment ns2/svc2 -s 10.180.0.2 -j KUBE-MARK-MASQ
            -A {SEP ns2/svc2/TCP 10.180.0.2:8080} -m comment --comment ns2/svc2 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:8080
            -A {SEP ns2/svc2/TCP 10.180.0.3:8080} -m comment --comment ns2/svc2 -s 10.180.0.3 -j KUBE-MARK-MASQ
            -A {SEP ns2/svc2/TCP 10.180.0.3:8080} -m comment --comment ns2/svc2 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:8080
            """),
        new Case(
            "UDP with ClientIP affinity: recent checks first, then thirds",
            List.of(
                service("ns3/dns")
                    .clusterIp("172.30.0.10")
                    .port("dns", 53, "UDP")
                    .affinity(300)
                    .build()),
            List.of(
                slice("ns3/dns-1", "dns")
                    .port("dns", 53, "UDP")
                    .ready("10.180.1.1", NODE)
                    .ready("10.180.1.2", NODE)
                    .ready("10.180.1.3", NODE)
                    .build()),
            "",
            """
            :{SVC ns3/dns:dns/UDP} - [0:0]
            :{SEP ns3/dns:dns/UDP 10.180.1.1:53} - [0:0]
            :{SEP ns3/dns:dns/UDP 10.180.1.2:53} - [0:0]
            :{SEP ns3/dns:dns/UDP 10.180.1.3:53} - [0:0]
            """,
            """
            -A KUBE-SERVICES -m comment --comment "ns3/dns:dns cluster IP" -m udp -p udp -d 172.30.0.10 --dport 53 -j {SVC ns3/dns:dns/UDP}
            -A {SVC ns3/dns:dns/UDP} -m comment --comment "ns3/dns:dns cluster IP" -m udp -p udp -d 172.30.0.10 --dport 53 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
            -A {SVC ns3/dns:dns/UDP} -m comment --comment "ns3/dns:dns -> 10.180.1.1:53" -m recent --name {SEP ns3/dns:dns/UDP 10.180.1.1:53} --rcheck --seconds 300 --reap -j {SEP ns3/dns:dns/UDP 10.180.1.1:53}
            -A {SVC ns3/dns:dns/UDP} -m comment --comment "ns3/dns:dns -> 10.180.1.2:53" -m recent --name {SEP ns3/dns:dns/UDP 10.180.1.2:53} --rcheck --seconds 300 --reap -j {SEP ns3/dns:dns/UDP 10.180.1.2:53}
            -A {SVC ns3/dns:dns/UDP} -m comment --comment "ns3/dns:dns -> 10.180.1.3:53" -m recent --name {SEP ns3/dns:dns/UDP 10.180.1.3:53} --rcheck --seconds 300 --reap -j {SEP ns3/dns:dns/UDP 10.180.1.3:53}
            -A {SVC ns3/dns:dns/UDP} -m comment --comment "ns3/dns:dns -> 10.180.1.1:53" -m statistic --mode random --probability 0.3333333333 -j {SEP ns3/dns:dns/UDP 10.180.1.1:53}
            -A {SVC ns3/dns:dns/UDP} -m comment --comment "ns3/dns:dns -> 10.180.1.2:53" -m statistic --mode random --probability 0.5000000000 -j {SEP ns3/dns:dns/UDP 10.180.1.2:53}
            -A {SVC ns3/dns:dns/UDP} -m comment --comment "ns3/dns:dns -> 10.180.1.3:53" -j {SEP ns3/dns:dns/UDP 10.180.1.3:53}
            -A {SEP ns3/dns:dns/UDP 10.180.1.1:53} -m comment --comment ns3/dns:dns -s 10.180.1.1 -j KUBE-MARK-MASQ
            -A {SEP ns3/dns:dns/UDP 10.180.1.1:53} -m comment --comment ns3/dns:dns -m recent --name {SEP ns3/dns:dns/UDP 10.180.1.1:53} --set -m udp -p udp -j DNAT --to-destination 10.180.1.1:53
            -A {SEP ns3/dns:dns/UDP 10.180.1.2:53} -m comment --comment ns3/dns:dns -s 10.180.1.2 -j KUBE-MARK-MASQ
            -A {SEP ns3/dns:dns/UDP 10.180.1.2:53} -m comment --comment ns3/dns:dns -m recent --name {SEP ns3/dns:dns/UDP 10.180.1.2:53} --set -m udp -p udp -j DNAT --to-destination 10.180.1.2:53
            -A {SEP ns3/dns:dns/UDP 10.180.1.3:53} -m comment --comment ns3/dns:dns -s 10.180.1.3 -j KUBE-MARK-MASQ
            -A {SEP ns3/dns:dns/UDP 10.180.1.3:53} -m comment --comment ns3/dns:dns -m recent --name {SEP ns3/dns:dns/UDP 10.180.1.3:53} --set -m udp -p udp -j DNAT --to-destination 10.180.1.3:53
            """),
        new Case(
            "LoadBalancer with externalTrafficPolicy Local: external traffic to this node's endpoint only",
            List.of(
                service("ns4/lb")
                    .type("LoadBalancer")
                    .clusterIp("172.30.0.44")
                    .port("http", 80, "TCP", 30004)
                    .ingress("192.168.0.10")
                    .externalTrafficPolicy("Local")
                    .build()),
            List.of(
                slice("ns4/lb-1", "lb")
                    .port("http", 80, "TCP")
                    .ready("10.180.2.1", NODE)
                    .ready("10.180.2.2", "node-b")
                    .build()),
            "",
            """
            :{EXT ns4/lb:http/TCP} - [0:0]
            :{SVC ns4/lb:http/TCP} - [0:0]
            :{SVL ns4/lb:http/TCP} - [0:0]
            :{SEP ns4/lb:http/TCP 10.180.2.1:80} - [0:0]
            :{SEP ns4/lb:http/TCP 10.180.2.2:80} - [0:0]
            """,
            """
            -A KUBE-SERVICES -m comment --comment "ns4/lb:http cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j {SVC ns4/lb:http/TCP}
            -A KUBE-SERVICES -m comment --comment "ns4/lb:http loadbalancer IP" -m tcp -p tcp -d 192.168.0.10 --dport 80 -j {EXT ns4/lb:http/TCP}
            -A KUBE-NODEPORTS -m comment --comment ns4/lb:http -m tcp -p tcp --dport 30004 -j {EXT ns4/lb:http/TCP}
            -A {SVC ns4/lb:http/TCP} -m comment --comment "ns4/lb:http cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
            -A {EXT ns4/lb:http/TCP} -m comment --comment "pod traffic for ns4/lb:http external destinations" -s 10.244.0.0/16 -j {SVC ns4/lb:http/TCP}
            -A {EXT ns4/lb:http/TCP} -m comment --comment "masquerade LOCAL traffic for ns4/lb:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
            -A {EXT ns4/lb:http/TCP} -m comment --comment "route LOCAL traffic for ns4/lb:http external destinations" -m addrtype --src-type LOCAL -j {SVC ns4/lb:http/TCP}
            -A {EXT ns4/lb:http/TCP} -j {SVL ns4/lb:http/TCP}
            -A {SVC ns4/lb:http/TCP} -m comment --comment "ns4/lb:http -> 10.180.2.1:80" -m statistic --mode random --probability 0.5000000000 -j {SEP ns4/lb:http/TCP 10.180.2.1:80}
            -A {SVC ns4/lb:http/TCP} -m comment --comment "ns4/lb:http -> 10.180.2.2:80" -j {SEP ns4/lb:http/TCP 10.180.2.2:80}
            -A {SVL ns4/lb:http/TCP} -m comment --comment "ns4/lb:http -> 10.180.2.1:80" -j {SEP ns4/lb:http/TCP 10.180.2.1:80}
            -A {SEP ns4/lb:http/TCP 10.180.2.1:80} -m comment --comment ns4/lb:http -s 10.180.2.1 -j KUBE-MARK-MASQ
            -A {SEP ns4/lb:http/TCP 10.180.2.1:80} -m comment --comment ns4/lb:http -m tcp -p tcp -j DNAT --to-destination 10.180.2.1:80
            -A {SEP ns4/lb:http/TCP 10.180.2.2:80} -m comment --comment ns4/lb:http -s 10.180.2.2 -j KUBE-MARK-MASQ
            -A {SEP ns4/lb:http/TCP 10.180.2.2:80} -m comment --comment ns4/lb:http -m tcp -p tcp -j DNAT --to-destination 10.180.2.2:80
            """),
        new Case(
            "externalTrafficPolicy Local without a local endpoint: external traffic dropped",
            List.of(
                service("ns4/lb")
                    .type("NodePort")
                    .clusterIp("172.30.0.44")
                    .port("http", 80, "TCP", 30004)
                    .externalTrafficPolicy("Local")
                    .build()),
            List.of(
                slice("ns4/lb-1", "lb")
                    .port("http", 80, "TCP")
                    .ready("10.180.2.2", "node-b")
                    .build()),
            """
            -A KUBE-EXTERNAL-SERVICES -m comment --comment "ns4/lb:http has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30004 -j DROP
            """,
            """
            :{EXT ns4/lb:http/TCP} - [0:0]
            :{SVC ns4/lb:http/TCP} - [0:0]
            :{SEP ns4/lb:http/TCP 10.180.2.2:80} - [0:0]
            """,
            """
            -A KUBE-SERVICES -m comment --comment "ns4/lb:http cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j {SVC ns4/lb:http/TCP}
            -A KUBE-NODEPORTS -m comment --comment ns4/lb:http -m tcp -p tcp --dport 30004 -j {EXT ns4/lb:http/TCP}
            -A {SVC ns4/lb:http/TCP} -m comment --comment "ns4/lb:http cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
            -A {EXT ns4/lb:http/TCP} -m comment --comment "pod traffic for ns4/lb:http external destinations" -s 10.244.0.0/16 -j {SVC ns4/lb:http/TCP}
            -A {EXT ns4/lb:http/TCP} -m comment --comment "masquerade LOCAL traffic for ns4/lb:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
            -A {EXT ns4/lb:http/TCP} -m comment --comment "route LOCAL traffic for ns4/lb:http external destinations" -m addrtype --src-type LOCAL -j {SVC ns4/lb:http/TCP}
            -A {SVC ns4/lb:http/TCP} -m comment --comment "ns4/lb:http -> 10.180.2.2:80" -j {SEP ns4/lb:http/TCP 10.180.2.2:80}
            -A {SEP ns4/lb:http/TCP 10.180.2.2:80} -m comment --comment ns4/lb:http -s 10.180.2.2 -j KUBE-MARK-MASQ
            -A {SEP ns4/lb:http/TCP 10.180.2.2:80} -m comment --comment ns4/lb:http -m tcp -p tcp -j DNAT --to-destination 10.180.2.2:80
            """),
        new Case(
            "internalTrafficPolicy Local without a local endpoint: cluster IP dropped",
            List.of(
                service("ns5/local")
                    .clusterIp("172.30.0.45")
                    .port("p", 80, "TCP")
                    .internalTrafficPolicy("Local")
                    .build()),
            List.of(
                slice("ns5/local-1", "local")
                    .port("p", 80, "TCP")
                    .ready("10.180.3.1", "node-b")
                    .build()),
            """
            -A KUBE-SERVICES -m comment --comment "ns5/local:p has no local endpoints" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j DROP
            """,
            "",
            ""),
        new Case(
            "no ready endpoint: serving terminating ones drain the traffic",
            List.of(service("ns6/term").clusterIp("172.30.0.46").port("", 80, "TCP").build()),
            List.of(
                slice("ns6/term-1", "term")
                    .port("", 80, "TCP")
                    .endpoint("10.180.4.1", NODE, false, true, true)
                    .endpoint("10.180.4.2", NODE, false, false, true)
                    .build()),
            "",
            """
            :{SVC ns6/term/TCP} - [0:0]
            :{SEP ns6/term/TCP 10.180.4.1:80} - [0:0]
            """,
            """
            -A KUBE-SERVICES -m comment --comment "ns6/term cluster IP" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j {SVC ns6/term/TCP}
            -A {SVC ns6/term/TCP} -m comment --comment "ns6/term cluster IP" -m tcp -p tcp -d 172.30.0.46 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
            -A {SVC ns6/term/TCP} -m comment --comment "ns6/term -> 10.180.4.1:80" -j {SEP ns6/term/TCP 10.180.4.1:80}
            -A {SEP ns6/term/TCP 10.180.4.1:80} -m comment --comment ns6/term -s 10.180.4.1 -j KUBE-MARK-MASQ
            -A {SEP ns6/term/TCP 10.180.4.1:80} -m comment --comment ns6/term -m tcp -p tcp -j DNAT --to-destination 10.180.4.1:80
            """),
        new Case(
            "external IP",
            List.of(
                service("ns7/ext")
                    .clusterIp("172.30.0.47")
                    .port("", 80, "TCP")
                    .externalIps("203.0.113.7")
                    .build()),
            List.of(
                slice("ns7/ext-1", "ext").port("", 80, "TCP").ready("10.180.5.1", null).build()),
            "",
            """
            :{EXT ns7/ext/TCP} - [0:0]
            :{SVC ns7/ext/TCP} - [0:0]
            :{SEP ns7/ext/TCP 10.180.5.1:80} - [0:0]
            """,
            """
            -A KUBE-SERVICES -m comment --comment "ns7/ext cluster IP" -m tcp -p tcp -d 172.30.0.47 --dport 80 -j {SVC ns7/ext/TCP}
            -A KUBE-SERVICES -m comment --comment "ns7/ext external IP" -m tcp -p tcp -d 203.0.113.7 --dport 80 -j {EXT ns7/ext/TCP}
            -A {SVC ns7/ext/TCP} -m comment --comment "ns7/ext cluster IP" -m tcp -p tcp -d 172.30.0.47 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
            -A {EXT ns7/ext/TCP} -m comment --comment "masquerade traffic for ns7/ext external destinations" -j KUBE-MARK-MASQ
            -A {EXT ns7/ext/TCP} -j {SVC ns7/ext/TCP}
            -A {SVC ns7/ext/TCP} -m comment --comment "ns7/ext -> 10.180.5.1:80" -j {SEP ns7/ext/TCP 10.180.5.1:80}
            -A {SEP ns7/ext/TCP 10.180.5.1:80} -m comment --comment ns7/ext -s 10.180.5.1 -j KUBE-MARK-MASQ
            -A {SEP ns7/ext/TCP 10.180.5.1:80} -m comment --comment ns7/ext -m tcp -p tcp -j DNAT --to-destination 10.180.5.1:80
            """),
        new Case(
            "load-balancer source ranges: a firewall chain",
            List.of(
                service("ns8/fw")
                    .type("LoadBalancer")
                    .clusterIp("172.30.0.48")
                    .port("", 80, "TCP", 30008)
                    .ingress("192.168.0.20")
                    .sourceRanges("203.0.113.0/24")
                    .build()),
            List.of(slice("ns8/fw-1", "fw").port("", 80, "TCP").ready("10.180.6.1", NODE).build()),
            """
            -A KUBE-PROXY-FIREWALL -m comment --comment "ns8/fw traffic not accepted by {FW ns8/fw/TCP}" -m tcp -p tcp -d 192.168.0.20 --dport 80 -j DROP
            """,
            """
            :{EXT ns8/fw/TCP} - [0:0]
            :{FW ns8/fw/TCP} - [0:0]
            :{SVC ns8/fw/TCP} - [0:0]
            :{SEP ns8/fw/TCP 10.180.6.1:80} - [0:0]
            """,
            """
            -A KUBE-SERVICES -m comment --comment "ns8/fw cluster IP" -m tcp -p tcp -d 172.30.0.48 --dport 80 -j {SVC ns8/fw/TCP}
            -A KUBE-SERVICES -m comment --comment "ns8/fw loadbalancer IP" -m tcp -p tcp -d 192.168.0.20 --dport 80 -j {FW ns8/fw/TCP}
            -A KUBE-NODEPORTS -m comment --comment ns8/fw -m tcp -p tcp --dport 30008 -j {EXT ns8/fw/TCP}
            -A {SVC ns8/fw/TCP} -m comment --comment "ns8/fw cluster IP" -m tcp -p tcp -d 172.30.0.48 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
            -A {EXT ns8/fw/TCP} -m comment --comment "masquerade traffic for ns8/fw external destinations" -j KUBE-MARK-MASQ
            -A {EXT ns8/fw/TCP} -j {SVC ns8/fw/TCP}
            -A {FW ns8/fw/TCP} -m comment --comment "ns8/fw loadbalancer IP" -s 203.0.113.0/24 -j {EXT ns8/fw/TCP}
            -A {FW ns8/fw/TCP} -m comment --comment "other traffic to ns8/fw will be dropped by KUBE-PROXY-FIREWALL"
            -A {SVC ns8/fw/TCP} -m comment --comment "ns8/fw -> 10.180.6.1:80" -j {SEP ns8/fw/TCP 10.180.6.1:80}
            -A {SEP ns8/fw/TCP 10.180.6.1:80} -m comment --comment ns8/fw -s 10.180.6.1 -j KUBE-MARK-MASQ
            -A {SEP ns8/fw/TCP 10.180.6.1:80} -m comment --comment ns8/fw -m tcp -p tcp -j DNAT --to-destination 10.180.6.1:80
            """),
        new Case(
            "headless, ExternalName and other proxies' Services: nothing to route",
            List.of(
                service("ns9/headless").clusterIp("None").port("", 80, "TCP").build(),
                service("ns9/name").type("ExternalName").port("", 80, "TCP").build(),
                service("ns9/other")
                    .clusterIp("172.30.0.49")
                    .port("", 80, "TCP")
                    .label("service.kubernetes.io/service-proxy-name", "other")
                    .build()),
            List.of(
                slice("ns9/headless-1", "headless")
                    .port("", 80, "TCP")
                    .ready("10.180.7.1", NODE)
                    .build(),
                slice("ns9/other-1", "other")
                    .port("", 80, "TCP")
                    .ready("10.180.7.2", NODE)
                    .build()),
            "",
            "",
            ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writesUpstreamsRules(Case c) {
    ProxyState state = ProxyStateBuilder.build(c.services(), c.slices(), NODE);
    IptablesRules.Output out = IptablesRules.write(CFG, state, key -> true, Set.of());
    assertThat(out.restoreText())
        .isEqualTo(
            full(resolve(c.filterRules()), resolve(c.natChains()), resolve(c.natRules()), ""));
  }

  @org.junit.jupiter.api.Test
  void partialSyncWritesOnlyTheChangedServicesChainsButKeepsTheOthersActive() {
    ProxyState state =
        ProxyStateBuilder.build(
            List.of(
                service("ns1/svc1").clusterIp("172.30.0.41").port("p80", 80, "TCP").build(),
                service("ns1/svc2").clusterIp("172.30.0.42").port("", 80, "TCP").build()),
            List.of(
                slice("ns1/svc1-1", "svc1")
                    .port("p80", 80, "TCP")
                    .ready("10.180.0.1", NODE)
                    .build(),
                slice("ns1/svc2-1", "svc2").port("", 80, "TCP").ready("10.180.0.2", NODE).build()),
            NODE);
    IptablesRules.Output out =
        IptablesRules.write(CFG, state, "ns1/svc2"::equals, Set.of("KUBE-SVC-XPGD46QRK7WJZT7O"));
    String natChains =
        resolve(
            """
            :{SVC ns1/svc2/TCP} - [0:0]
            :{SEP ns1/svc2/TCP 10.180.0.2:80} - [0:0]
            """);
    String natRules =
        resolve(
            """
            -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
            -A KUBE-SERVICES -m comment --comment "ns1/svc2 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j {SVC ns1/svc2/TCP}
            -A {SVC ns1/svc2/TCP} -m comment --comment "ns1/svc2 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
            -A {SVC ns1/svc2/TCP} -m comment --comment "ns1/svc2 -> 10.180.0.2:80" -j {SEP ns1/svc2/TCP 10.180.0.2:80}
            -A {SEP ns1/svc2/TCP 10.180.0.2:80} -m comment --comment ns1/svc2 -s 10.180.0.2 -j KUBE-MARK-MASQ
            -A {SEP ns1/svc2/TCP 10.180.0.2:80} -m comment --comment ns1/svc2 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
            """);
    assertThat(out.restoreText()).isEqualTo(full("", natChains, natRules, ""));
    assertThat(out.activeNatChains())
        .containsExactlyInAnyOrder(
            "KUBE-SVC-XPGD46QRK7WJZT7O",
            "KUBE-SEP-SXIVWICOYRO3J4NJ",
            resolve("{SVC ns1/svc2/TCP}"),
            resolve("{SEP ns1/svc2/TCP 10.180.0.2:80}"));
    assertThat(out.deletedChains()).isZero();
  }

  @org.junit.jupiter.api.Test
  void chainsNoLongerUsedAreFlushedAndDeletedButOthersChainsAreLeftAlone() {
    IptablesRules.Output out =
        IptablesRules.write(
            CFG,
            ProxyState.EMPTY,
            key -> true,
            new java.util.LinkedHashSet<>(
                List.of(
                    "KUBE-SVC-XPGD46QRK7WJZT7O",
                    "KUBE-SEP-SXIVWICOYRO3J4NJ",
                    "DOCKER",
                    "KUBE-SERVICES")));
    assertThat(out.restoreText())
        .isEqualTo(
            full(
                "",
                ":KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]\n:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]\n",
                "",
                "-X KUBE-SVC-XPGD46QRK7WJZT7O\n-X KUBE-SEP-SXIVWICOYRO3J4NJ\n"));
    assertThat(out.deletedChains()).isEqualTo(2);
  }

  @org.junit.jupiter.api.Test
  void withoutLocalhostNodePortsLoopbackIsExcludedAndNoLocalnetFirewall() {
    IptablesConfig cfg = new IptablesConfig(null, false, 14, false, false, false);
    String text = IptablesRules.write(cfg, ProxyState.EMPTY, k -> true, Set.of()).restoreText();
    assertThat(text)
        .doesNotContain("KUBE-FIREWALL")
        .doesNotContain("--random-fully")
        .doesNotContain("INVALID")
        .contains(
            "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must"
                + " be the last rule in this chain\" -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8"
                + " -j KUBE-NODEPORTS\n");
  }

  @org.junit.jupiter.api.Test
  void masqueradeAllMarksEveryClusterIpConnection() {
    IptablesConfig cfg = new IptablesConfig(null, true, 14, true, true, true);
    ProxyState state =
        ProxyStateBuilder.build(
            List.of(service("ns1/svc1").clusterIp("172.30.0.41").port("p80", 80, "TCP").build()),
            List.of(
                slice("ns1/svc1-1", "svc1")
                    .port("p80", 80, "TCP")
                    .ready("10.180.0.1", NODE)
                    .build()),
            NODE);
    assertThat(IptablesRules.write(cfg, state, k -> true, Set.of()).restoreText())
        .contains(
            "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp"
                + " -p tcp -d 172.30.0.41 --dport 80 -j KUBE-MARK-MASQ\n");
  }

  /** The whole restore text around a case's own lines, as {@link IptablesConfig#defaults}. */
  static String full(String filterRules, String natChains, String natRules, String natDeletes) {
    return """
        *filter
        :KUBE-SERVICES - [0:0]
        :KUBE-EXTERNAL-SERVICES - [0:0]
        :KUBE-FORWARD - [0:0]
        :KUBE-NODEPORTS - [0:0]
        :KUBE-PROXY-FIREWALL - [0:0]
        :KUBE-FIREWALL - [0:0]
        -A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
        """
        + filterRules
        + """
        -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
        -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
        -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        COMMIT
        *nat
        :KUBE-SERVICES - [0:0]
        :KUBE-NODEPORTS - [0:0]
        :KUBE-POSTROUTING - [0:0]
        :KUBE-MARK-MASQ - [0:0]
        """
        + natChains
        + """
        -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
        -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
        -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
        -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
        """
        + natRules
        + natDeletes
        + """
        -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
        COMMIT
        """;
  }

  private static final Pattern CHAIN =
      Pattern.compile("\\{(SVC|SVL|EXT|FW|SEP) ([^/ ]+/[^/ ]+)/([A-Z]+)(?: ([0-9.]+):([0-9]+))?}");

  /** Replaces {@code {SVC ns/name:port/PROTO}}-style placeholders with chain names. */
  static String resolve(String text) {
    Matcher m = CHAIN.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String key = m.group(2);
      String ns = key.substring(0, key.indexOf('/'));
      String rest = key.substring(key.indexOf('/') + 1);
      String name = rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest;
      String port = rest.contains(":") ? rest.substring(rest.indexOf(':') + 1) : "";
      ServicePortName spn = new ServicePortName(ns, name, port, m.group(3));
      String chain =
          switch (m.group(1)) {
            case "SVC" -> ChainNames.cluster(spn);
            case "SVL" -> ChainNames.local(spn);
            case "EXT" -> ChainNames.external(spn);
            case "FW" -> ChainNames.firewall(spn);
            default ->
                ChainNames.endpoint(
                    spn,
                    new Endpoint(
                        m.group(4), Integer.parseInt(m.group(5)), false, true, true, false));
          };
      m.appendReplacement(out, Matcher.quoteReplacement(chain));
    }
    m.appendTail(out);
    return out.toString();
  }
}
