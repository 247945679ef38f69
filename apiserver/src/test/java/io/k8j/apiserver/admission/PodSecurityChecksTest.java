package io.k8j.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.apiserver.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Pod Security Standards' checks, one pod spec at a time, with upstream's reasons. */
class PodSecurityChecksTest {
  private static final String RESTRICTED_OK =
      "'securityContext':{'runAsNonRoot':true,'seccompProfile':{'type':'RuntimeDefault'}},"
          + "'containers':[{'name':'c','image':'i','securityContext':{'allowPrivilegeEscalation':false,"
          + "'capabilities':{'drop':['ALL']}}}]";

  private static List<String> check(String level, String spec) {
    return PodSecurityChecks.check(
        level,
        Json.parseObject(
            ("{'spec':{" + spec + "}}").replace('\'', '"').getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "baseline|'hostNetwork':true,'hostPID':true,'containers':[{'name':'c'}]|host namespaces (hostNetwork=true, hostPID=true)",
        "baseline|'containers':[{'name':'a','securityContext':{'privileged':true}},{'name':'b','securityContext':{'privileged':true}}]|privileged (containers \"a\", \"b\" must not set securityContext.privileged=true)",
        "baseline|'containers':[{'name':'c','securityContext':{'capabilities':{'add':['NET_ADMIN','CHOWN']}}}]|non-default capabilities (container \"c\" must not include \"NET_ADMIN\" in securityContext.capabilities.add)",
        "baseline|'volumes':[{'name':'h','hostPath':{'path':'/'}}],'containers':[{'name':'c'}]|hostPath volumes (volume \"h\")",
        "baseline|'containers':[{'name':'c','ports':[{'containerPort':80,'hostPort':8080}]}]|hostPort (container \"c\" uses hostPort 8080)",
        "baseline|'securityContext':{'seccompProfile':{'type':'Unconfined'}},'containers':[{'name':'c'}]|seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")",
        "restricted|'volumes':[{'name':'h','hostPath':{'path':'/'}}],"
            + "'securityContext':{'runAsNonRoot':true,'seccompProfile':{'type':'RuntimeDefault'}},'containers':[{'name':'c','securityContext':{'allowPrivilegeEscalation':false,'capabilities':{'drop':['ALL']}}}]|restricted volume types (volume \"h\" uses restricted volume type \"hostPath\")",
        "baseline|'securityContext':{'appArmorProfile':{'type':'Unconfined'}},'containers':[{'name':'c','securityContext':{'appArmorProfile':{'type':'Unconfined'}}}]|forbidden AppArmor profile (pod and container \"c\" must not set AppArmor profile type to \"Unconfined\")",
        "baseline|'containers':[{'name':'a','securityContext':{'procMount':'Unmasked'}}]|procMount (container \"a\" must not set securityContext.procMount to \"Unmasked\")",
        "baseline|'securityContext':{'seLinuxOptions':{'type':'spc_t','user':'root'}},'containers':[{'name':'c','securityContext':{'seLinuxOptions':{'type':'container_t'}}}]|seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type \"spc_t\"; user may not be set)",
        "baseline|'securityContext':{'sysctls':[{'name':'net.ipv4.tcp_rmem','value':'1'},{'name':'kernel.msgmax','value':'1'},{'name':'net.ipv4.ping_group_range','value':'0 1'}]},'containers':[{'name':'c'}]|forbidden sysctls (kernel.msgmax)",
        "baseline|'securityContext':{'windowsOptions':{'hostProcess':true}},'containers':[{'name':'w','securityContext':{'windowsOptions':{'hostProcess':true}}}]|hostProcess (pod and container \"w\" must not set securityContext.windowsOptions.hostProcess=true)",
        "restricted|'securityContext':{'runAsNonRoot':true,'runAsUser':0,'seccompProfile':{'type':'RuntimeDefault'}},'containers':[{'name':'c','securityContext':{'allowPrivilegeEscalation':false,'capabilities':{'drop':['ALL']}}}]|runAsUser=0 (pod must not set runAsUser=0)",
      })
  void aViolationIsNamedAsUpstreamNamesIt(String level, String spec, String reason) {
    assertThat(check(level, spec)).containsExactly(reason);
  }

  @org.junit.jupiter.api.Test
  void checksComeInUpstreamsOrderBaselineFirst() {
    assertThat(
            check(
                "restricted",
                "'hostPID':true,'securityContext':{'windowsOptions':{'hostProcess':true}},"
                    + "'containers':[{'name':'c','ports':[{'containerPort':1,'hostPort':1}]}]"))
        .extracting(v -> v.substring(0, v.indexOf(" (")))
        .containsExactly(
            "host namespaces",
            "hostPort",
            "hostProcess",
            "allowPrivilegeEscalation != false",
            "unrestricted capabilities",
            "runAsNonRoot != true",
            "seccompProfile");
  }

  @org.junit.jupiter.api.Test
  void theAnnotatedAppArmorProfilesAndOlderPolicyVersionsCount() {
    var pod =
        Json.parseObject(
            ("{'metadata':{'annotations':{'container.apparmor.security.beta.kubernetes.io/c':"
                    + "'unconfined','container.apparmor.security.beta.kubernetes.io/d':"
                    + "'localhost/x'}},'spec':{'securityContext':{'sysctls':[{'name':"
                    + "'net.ipv4.tcp_keepalive_time','value':'60'}]},'containers':[{'name':'c'}]}}")
                .replace('\'', '"')
                .getBytes(StandardCharsets.UTF_8));
    assertThat(PodSecurityChecks.check("baseline", 28, pod))
        .containsExactly(
            "forbidden AppArmor profile (annotation must not set AppArmor profile type to"
                + " \"container.apparmor.security.beta.kubernetes.io/c=\"unconfined\"\")",
            "forbidden sysctls (net.ipv4.tcp_keepalive_time)");
    assertThat(PodSecurityChecks.check("baseline", 29, pod)).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource({"baseline", "restricted"})
  void aCompliantPodPasses(String level) {
    assertThat(check(level, RESTRICTED_OK)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"'containers':[{'name':'c'}]"})
  void baselineAllowsAPlainPodThatRestrictedRefuses(String spec) {
    assertThat(check("baseline", spec)).isEmpty();
    assertThat(check("restricted", spec)).hasSize(4);
  }
}
