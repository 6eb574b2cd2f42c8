package web

import (
	"sort"
	"strings"
)

// auditActions names every audit action for the audit page: code →
// {zh-CN, en}. The codes themselves stay what the trail, the API, the CSV
// export and the filter use; the page shows the label with the code beside
// it. The API's route actions (httpapi server.go), the pages' "web.*"
// actions (web.go Register) and the operator's CLI commands (cmd/dossier
// user.go) each need an entry: TestAuditActionsLabelled reads them from
// the code and fails on a gap.
var auditActions = map[string][2]string{
	// Service endpoints.
	"health.live":    {"存活检查", "Liveness check"},
	"health.ready":   {"就绪检查", "Readiness check"},
	"health.metrics": {"读取监控指标", "Metrics read"},
	"api.openapi":    {"读取 API 说明", "API description read"},

	// Accounts and grants.
	"auth.login":    {"登录（API）", "Signed in (API)"},
	"auth.logout":   {"退出登录（API）", "Signed out (API)"},
	"user.me":       {"查看本人账户", "Own account viewed"},
	"user.list":     {"查看用户列表", "Users listed"},
	"user.create":   {"创建用户", "User created"},
	"user.password": {"设置用户密码（命令行）", "User password set (CLI)"},
	"user.disable":  {"停用用户（命令行）", "User disabled (CLI)"},
	"user.enable":   {"启用用户（命令行）", "User enabled (CLI)"},
	"grant.create":  {"授予案件权限", "Case access granted"},
	"grant.delete":  {"撤销案件权限", "Case access revoked"},

	// Cases.
	"case.create":          {"创建案件", "Case created"},
	"case.list":            {"查看案件列表", "Cases listed"},
	"case.read":            {"查看案件", "Case viewed"},
	"case.update":          {"修改案件", "Case updated"},
	"communication.create": {"添加沟通记录", "Communication recorded"},
	"communication.list":   {"查看沟通记录", "Communications listed"},
	"search.run":           {"检索证据", "Evidence searched"},

	// Evidence.
	"evidence.upload":         {"上传证据", "Evidence uploaded"},
	"evidence.list":           {"查看证据列表", "Evidence listed"},
	"evidence.read":           {"查看证据信息", "Evidence details viewed"},
	"evidence.delete":         {"删除证据", "Evidence deleted"},
	"evidence.download":       {"下载证据内容", "Evidence content downloaded"},
	"evidence.versions":       {"查看证据版本", "Evidence versions listed"},
	"evidence.upload_version": {"上传证据新版本", "New evidence version uploaded"},
	"evidence.hold":           {"设置或解除诉讼保全", "Legal hold placed or released"},
	"evidence.verify":         {"校验证据完整性", "Evidence integrity checked"},

	// The audit trail.
	"audit.list":        {"查看审计日志", "Audit trail read"},
	"audit.verify":      {"校验审计哈希链", "Audit chain verified"},
	"audit.checkpoints": {"查看审计检查点", "Audit checkpoints read"},

	// Documents and bundles.
	"template.list":      {"查看文书模板", "Document templates listed"},
	"document.create":    {"生成文书", "Document generated"},
	"document.list":      {"查看文书列表", "Documents listed"},
	"document.read":      {"查看文书", "Document viewed"},
	"document.download":  {"下载文书 PDF", "Document PDF downloaded"},
	"document.readiness": {"查看起诉材料准备情况", "Filing readiness checked"},
	"bundle.create":      {"创建证据包", "Bundle created"},
	"bundle.list":        {"查看证据包列表", "Bundles listed"},
	"bundle.read":        {"查看证据包", "Bundle viewed"},
	"bundle.download":    {"下载证据包", "Bundle downloaded"},
	"share.create":       {"创建分享链接", "Share link created"},
	"share.list":         {"查看分享链接", "Share links listed"},
	"share.revoke":       {"撤销分享链接", "Share link revoked"},
	"share.open":         {"打开分享链接", "Share link opened"},
	"share.download":     {"通过分享链接下载", "Downloaded through a share link"},

	// Recovery.
	"limitation.read": {"查看诉讼时效", "Limitation period viewed"},
	"payment.create":  {"添加回款记录", "Payment recorded"},
	"payment.list":    {"查看回款记录", "Payments listed"},
	"plan.create":     {"创建分期还款计划", "Installment plan created"},
	"plan.list":       {"查看分期还款计划", "Installment plans listed"},
	"filing.create":   {"记录支付令申请/起诉/仲裁", "Filing recorded"},
	"filing.list":     {"查看支付令申请/起诉/仲裁记录", "Filings listed"},
	"dashboard.read":  {"查看回款看板", "Recovery dashboard viewed"},

	// The pages.
	"web.static":               {"读取网页静态文件", "Static file (web)"},
	"web.home":                 {"打开首页（网页）", "Home page (web)"},
	"web.login.form":           {"打开登录页（网页）", "Sign-in page opened (web)"},
	"web.login":                {"登录（网页）", "Signed in (web)"},
	"web.logout":               {"退出登录（网页）", "Signed out (web)"},
	"web.lang":                 {"切换界面语言（网页）", "Language switched (web)"},
	"web.case.list":            {"查看案件列表（网页）", "Cases listed (web)"},
	"web.case.new":             {"打开新建案件表单（网页）", "New case form opened (web)"},
	"web.case.create":          {"创建案件（网页）", "Case created (web)"},
	"web.case.read":            {"查看案件（网页）", "Case viewed (web)"},
	"web.case.update":          {"修改案件阶段（网页）", "Case stage changed (web)"},
	"web.communication.create": {"添加沟通记录（网页）", "Communication recorded (web)"},
	"web.evidence.read":        {"查看证据信息（网页）", "Evidence details viewed (web)"},
	"web.evidence.content":     {"查看/下载证据内容（网页）", "Evidence content viewed (web)"},
	"web.evidence.hold":        {"设置或解除诉讼保全（网页）", "Legal hold placed or released (web)"},
	"web.evidence.verify":      {"校验证据完整性（网页）", "Evidence integrity checked (web)"},
	"web.document.list":        {"查看文书（网页）", "Documents listed (web)"},
	"web.document.create":      {"生成文书（网页）", "Document generated (web)"},
	"web.bundle.list":          {"查看证据包列表（网页）", "Bundles listed (web)"},
	"web.bundle.create":        {"创建证据包（网页）", "Bundle created (web)"},
	"web.bundle.read":          {"查看证据包（网页）", "Bundle viewed (web)"},
	"web.bundle.download":      {"下载证据包（网页）", "Bundle downloaded (web)"},
	"web.share.create":         {"创建分享链接（网页）", "Share link created (web)"},
	"web.share.delete":         {"撤销分享链接（网页）", "Share link revoked (web)"},
	"web.dashboard":            {"查看回款看板（网页）", "Recovery dashboard viewed (web)"},
	"web.dashboard.export":     {"导出回款看板 CSV（网页）", "Recovery dashboard exported as CSV (web)"},
	"web.payment.create":       {"添加回款记录（网页）", "Payment recorded (web)"},
	"web.payment.reverse":      {"冲正回款（网页）", "Payment reversed (web)"},
	"web.plan.create":          {"创建分期还款计划（网页）", "Installment plan created (web)"},
	"web.search":               {"检索证据（网页）", "Evidence searched (web)"},
	"web.audit.list":           {"查看审计日志（网页）", "Audit trail read (web)"},
	"web.audit.verify":         {"校验审计哈希链（网页）", "Audit chain verified (web)"},
	"web.audit.export":         {"导出审计日志 CSV（网页）", "Audit trail exported as CSV (web)"},
	"web.case.grant.list":      {"查看外部律所授权（网页）", "Outside-firm access viewed (web)"},
	"web.case.grant.create":    {"授予外部律所案件权限（网页）", "Outside-firm access granted (web)"},
	"web.case.grant.delete":    {"撤销外部律所案件权限（网页）", "Outside-firm access revoked (web)"},
	"web.admin":                {"打开用户与授权管理（网页）", "Users and grants page opened (web)"},
	"web.user.create":          {"创建用户（网页）", "User created (web)"},
	"web.user.disable":         {"停用或启用用户（网页）", "User disabled or enabled (web)"},
	"web.grant.create":         {"授予案件权限（网页）", "Case access granted (web)"},
	"web.grant.delete":         {"撤销案件权限（网页）", "Case access revoked (web)"},
}

// auditOtherRequest names the actions the API's audit middleware makes up
// as "http.<method>" for a request no named route served (a browser's
// /favicon.ico, a mistyped address, the pages' static files).
var auditOtherRequest = [2]string{"其他 HTTP 请求（%s）", "Other HTTP request (%s)"}

// auditObjects names the object types of events: an action's first part
// (what the middleware falls back on) and the types services note.
var auditObjects = map[string][2]string{
	"api": {"API", "API"}, "audit": {"审计日志", "audit trail"}, "auth": {"登录", "sign-in"},
	"bundle": {"证据包", "bundle"}, "case": {"案件", "case"}, "communication": {"沟通记录", "communication"},
	"dashboard": {"回款看板", "dashboard"}, "document": {"文书", "document"}, "evidence": {"证据", "evidence"},
	"filing": {"支付令申请/起诉/仲裁", "filing"}, "grant": {"授权", "grant"}, "health": {"运行状态", "health"},
	"http": {"HTTP 请求", "HTTP request"}, "limitation": {"诉讼时效", "limitation"}, "payment": {"回款", "payment"},
	"plan": {"分期还款计划", "installment plan"}, "installment_plan": {"分期还款计划", "installment plan"},
	"search": {"检索", "search"}, "share": {"分享链接", "share link"},
	"template": {"文书模板", "template"}, "user": {"用户", "user"}, "web": {"网页", "web page"},
}

// auditAnonymous is how the page names the actor "anonymous" with no role,
// which the middleware records for a request without a signed-in user. An
// account may be named "anonymous" too, but it always has a role.
var auditAnonymous = [2]string{"匿名（未登录）", "anonymous (not signed in)"}

// auditText returns the pair's text in m's language.
func (m Msg) auditText(p [2]string) string {
	if m.Lang == "en" {
		return p[1]
	}
	return p[0]
}

// AuditAction is the label of an audit action code in m's language; an
// unknown code (an event recorded by another version) shows as it is.
func (m Msg) AuditAction(code string) string {
	if p, ok := auditActions[code]; ok {
		return m.auditText(p)
	}
	if method, ok := strings.CutPrefix(code, "http."); ok && method != "" {
		return strings.Replace(m.auditText(auditOtherRequest), "%s", strings.ToUpper(method), 1)
	}
	return code
}

// AuditActor is how the page names an event's actor: the recorded name,
// except the anonymous caller, which reads in m's language.
func (m Msg) AuditActor(actor, role string) string {
	if actor == "anonymous" && role == "" {
		return m.auditText(auditAnonymous)
	}
	return actor
}

// AuditObject is the name of an event's object type in m's language; an
// unknown type shows as it is.
func (m Msg) AuditObject(typ string) string {
	if p, ok := auditObjects[typ]; ok {
		return m.auditText(p)
	}
	return typ
}

// auditActionOption is one entry of the action filter's suggestions.
type auditActionOption struct{ Code, Label string }

// auditActionOptions lists every labelled action code, sorted by code so
// related actions sit together, for the filter's suggestion list.
func auditActionOptions(m Msg) []auditActionOption {
	out := make([]auditActionOption, 0, len(auditActions))
	for code := range auditActions {
		out = append(out, auditActionOption{Code: code, Label: m.AuditAction(code)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
